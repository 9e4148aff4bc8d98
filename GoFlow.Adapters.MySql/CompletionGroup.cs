using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The held completions of one group commit, numbered: every parameter of completion <c>i</c> ends in <c>i</c>
/// (<c>@Id0</c>, <c>@Output0</c>, <c>@WorkflowId0</c>, <c>@NextTaskName0</c>, ...), and <see cref="MySqlTaskQueueSql.CompleteHeldTasks"/>
/// writes them all in one round trip. A next step's task is inserted with the status, attempt, lease and due time its
/// <see cref="GoFlow.Domain.Transitions.StepAdvance"/> states (due now or at its wait's end, or handed over to the lease owner).
/// </summary>
internal sealed class CompletionGroup
{
    /// <summary>The most values a completion adds: 5 of its own, 8 more for a next step.</summary>
    private const int ValuesPerRow = 13;

    public CompletionGroup(IReadOnlyList<TaskCompletion> held, DateTimeOffset now)
    {
        Count = held.Count;
        Parameters = new BatchParameters(1 + (ValuesPerRow * held.Count));
        Parameters.Add("Now", MySqlTime.ToDatabase(now));
        var advancing = new List<int>();
        var finishing = new List<int>();
        for (var i = 0; i < held.Count; i++)
        {
            var completion = held[i];
            Parameters.Add("Id", i, completion.Task.Id.Value);
            Parameters.Add("WorkflowId", i, completion.Task.WorkflowId.Value);
            Parameters.Add("Output", i, completion.OutputPayload);
            Parameters.Add("Owner", i, completion.Task.LeaseOwner);
            Parameters.Add("Attempt", i, completion.Task.Attempt);
            if (completion.Advance is { } advance)
            {
                Parameters.Add("NextStepIndex", i, advance.Step.Index);
                Parameters.Add("NextTaskName", i, advance.Step.TaskName);
                Parameters.Add("NextMaxAttempts", i, advance.Step.Policy.MaxAttempts);
                Parameters.Add("NextStatus", i, advance.Status.ToName());
                Parameters.Add("NextAttempt", i, advance.Attempt);
                Parameters.Add("NextLeaseOwner", i, advance.LeaseOwner);
                Parameters.Add("NextLeaseExpiresAt", i, advance.LeaseExpiresAt(now) is { } expiresAt ? MySqlTime.ToDatabase(expiresAt) : null);
                Parameters.Add("NextScheduledAt", i, MySqlTime.ToDatabase(advance.ScheduledAt(now)));
                advancing.Add(i);
            }
            else
            {
                finishing.Add(i);
            }
        }

        Advancing = advancing;
        Finishing = finishing;
    }

    public int Count { get; }

    /// <summary>The completions whose workflow goes on with a next step.</summary>
    public IReadOnlyList<int> Advancing { get; }

    /// <summary>The completions of a workflow's last step.</summary>
    public IReadOnlyList<int> Finishing { get; }

    public BatchParameters Parameters { get; }
}
