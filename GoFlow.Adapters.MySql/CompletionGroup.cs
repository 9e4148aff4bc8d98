using GoFlow.Domain;
using GoFlow.Ports.Driven;
using MySqlConnector;

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

    /// <summary>Adds the group's values to <paramref name="values"/>, in the order <see cref="MySqlTaskQueueSql.CompleteHeldTasks"/> names them.</summary>
    public void AddValuesTo(MySqlParameterCollection values)
    {
        foreach (var completion in _held)
        {
            values.AddValue(completion.Task.Id.Value);
            values.AddValue(completion.OutputPayload);
        }

        values.AddValue(_nowValue);
        foreach (var completion in _held)
        {
            values.AddValue(completion.Task.Id.Value);
        }

        foreach (var completion in _held)
        {
            values.AddValue(completion.Task.Id.Value);
            values.AddValue(completion.Task.LeaseOwner);
            values.AddValue(completion.Task.Attempt);
        }

        AddWorkflowUpdate(values, Advancing);
        AddWorkflowUpdate(values, Finishing);
        if (Advancing.Count > 0)
        {
            AddNextTasks(values);
        }
    }

    private void AddWorkflowUpdate(MySqlParameterCollection values, IReadOnlyList<TaskCompletion> completions)
    {
        if (completions.Count == 0)
        {
            return;
        }

        foreach (var completion in completions)
        {
            values.AddValue(completion.Task.WorkflowId.Value);
            values.AddValue(completion.OutputPayload);
        }

        values.AddValue(_nowValue);
        foreach (var completion in completions)
        {
            values.AddValue(completion.Task.WorkflowId.Value);
        }
    }

    private void AddNextTasks(MySqlParameterCollection values)
    {
        foreach (var completion in Advancing)
        {
            var advance = completion.Advance!;
            values.AddValue(completion.Task.WorkflowId.Value);
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
            values.AddValue(_nowValue);
            values.AddValue(_nowValue);
        }

        foreach (var completion in Advancing)
        {
            values.AddValue(completion.Task.WorkflowId.Value);
        }

        foreach (var completion in Advancing)
        {
            values.AddValue(completion.Task.WorkflowId.Value);
            values.AddValue(completion.Advance!.Step.Index);
        }
    }
}
