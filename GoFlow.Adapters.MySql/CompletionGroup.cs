using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The held completions of one group commit, which <see cref="MySqlTaskQueueSql.CompleteHeldTasks"/> writes in one round
/// trip, and their values, given by position (<see cref="PositionalValues"/>) in the order that statement names them.
/// A next step's task is inserted with the status, attempt, lease and due time its
/// <see cref="GoFlow.Domain.Transitions.StepAdvance"/> states (due now or at its wait's end, or handed over to the lease owner).
/// </summary>
internal sealed class CompletionGroup
{
    /// <summary>How many values the INSERT of the next steps' tasks takes per row.</summary>
    public const int NextTaskValuesPerRow = 13;

    private readonly IReadOnlyList<TaskCompletion> _held;
    private readonly DateTimeOffset _now;

    /// <summary><see cref="_now"/> as the columns keep it.</summary>
    private readonly DateTime _nowValue;

    public CompletionGroup(IReadOnlyList<TaskCompletion> held, DateTimeOffset now)
    {
        _held = held;
        _now = now;
        _nowValue = MySqlTime.ToDatabase(now);
        var advancing = new List<TaskCompletion>();
        var finishing = new List<TaskCompletion>();
        foreach (var completion in held)
        {
            (completion.Advance is null ? finishing : advancing).Add(completion);
        }

        Advancing = advancing;
        Finishing = finishing;
    }

    public int Count => _held.Count;

    /// <summary>The completions whose workflow goes on with a next step.</summary>
    public IReadOnlyList<TaskCompletion> Advancing { get; }

    /// <summary>The completions of a workflow's last step.</summary>
    public IReadOnlyList<TaskCompletion> Finishing { get; }

    /// <summary>
    /// Adds the group's values to <paramref name="values"/>, in the order <see cref="MySqlTaskQueueSql.CompleteHeldTasks"/>
    /// names them. Each id and now are boxed once, however many places the statement names them in.
    /// </summary>
    public void AddValuesTo(PositionalCommand values)
    {
        object now = _nowValue;
        var taskIds = new object[_held.Count];
        for (var i = 0; i < _held.Count; i++)
        {
            taskIds[i] = _held[i].Task.Id.Value;
            values.AddValue(taskIds[i]);
            values.AddValue(_held[i].OutputPayload);
        }

        values.AddValue(now);
        foreach (var taskId in taskIds)
        {
            values.AddValue(taskId);
        }

        var advancingWorkflowIds = WorkflowIds(Advancing);
        AddWorkflowUpdate(values, Advancing, advancingWorkflowIds, now);
        AddWorkflowUpdate(values, Finishing, WorkflowIds(Finishing), now);
        if (Advancing.Count > 0)
        {
            AddNextTasks(values, advancingWorkflowIds, now);
        }
    }

    private static object[] WorkflowIds(IReadOnlyList<TaskCompletion> completions)
    {
        var ids = new object[completions.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = completions[i].Task.WorkflowId.Value;
        }

        return ids;
    }

    private static void AddWorkflowUpdate(
        PositionalCommand values, IReadOnlyList<TaskCompletion> completions, object[] workflowIds, object now)
    {
        if (completions.Count == 0)
        {
            return;
        }

        for (var i = 0; i < completions.Count; i++)
        {
            values.AddValue(workflowIds[i]);
            values.AddValue(completions[i].OutputPayload);
        }

        values.AddValue(now);
        foreach (var workflowId in workflowIds)
        {
            values.AddValue(workflowId);
        }
    }

    private void AddNextTasks(PositionalCommand values, object[] workflowIds, object now)
    {
        for (var i = 0; i < Advancing.Count; i++)
        {
            var completion = Advancing[i];
            var advance = completion.Advance!;
            values.AddValue(workflowIds[i]);
            values.AddValue(advance.Step.Index);
            values.AddValue(advance.Step.TaskName);
            values.AddValue(advance.Status.ToName());
            values.AddValue(advance.Attempt);
            values.AddValue(advance.Step.Policy.MaxAttempts);
            values.AddValue(completion.OutputPayload);
            values.AddValue(advance.LeaseOwner);
            values.AddValue(advance.LeaseExpiresAt(_now) is { } expiresAt ? MySqlTime.ToDatabase(expiresAt) : null);
            values.AddValue(advance.LeaseOwner);
            values.AddValue(MySqlTime.ToDatabase(advance.ScheduledAt(_now)));
            values.AddValue(now);
            values.AddValue(now);
        }

        for (var i = 0; i < Advancing.Count; i++)
        {
            values.AddValue(workflowIds[i]);
            values.AddValue(Advancing[i].Advance!.Step.Index);
        }
    }
}
