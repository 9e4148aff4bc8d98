using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The held completions of one group commit, numbered: every parameter of completion <c>i</c> ends in <c>i</c>
/// (<c>@Id0</c>, <c>@Output0</c>, <c>@WorkflowId0</c>, <c>@NextTaskName0</c>, ...), and <see cref="MySqlTaskQueueSql.CompleteHeldTasks"/>
/// writes them all in one round trip. A next step handed over to the lease owner is inserted RUNNING, claimed for its
/// first attempt and leased as long as the completed task's claim; any other next step PENDING, due now or at its wait's
/// end.
/// </summary>
internal sealed class CompletionGroup
{
    public CompletionGroup(IReadOnlyList<TaskCompletion> held, DateTimeOffset now)
    {
        // The steps with a next step first, then the last steps: the statements' text then depends only on how many
        // there are of each, so Dapper's cache, keyed by the text, holds one shape per pair of counts instead of one per
        // order of the mix.
        held = [.. held.OrderBy(completion => completion.NextStep is null)];
        Count = held.Count;
        Parameters = new DynamicParameters(new { Now = MySqlTime.ToDatabase(now) });
        var advancing = new List<int>();
        var finishing = new List<int>();
        for (var i = 0; i < held.Count; i++)
        {
            var completion = held[i];
            Parameters.Add($"Id{i}", completion.Task.Id.Value);
            Parameters.Add($"WorkflowId{i}", completion.Task.WorkflowId.Value);
            Parameters.Add($"Output{i}", completion.OutputPayload);
            Parameters.Add($"Owner{i}", completion.Task.LeaseOwner);
            Parameters.Add($"Attempt{i}", completion.Task.Attempt);
            if (completion.NextStep is { } next)
            {
                Parameters.Add($"NextStepIndex{i}", next.Index);
                Parameters.Add($"NextTaskName{i}", next.TaskName);
                Parameters.Add($"NextMaxAttempts{i}", next.Policy.MaxAttempts);
                var handedOver = completion.HandsOver;
                Parameters.Add($"NextStatus{i}", handedOver ? StatusNames.Running : StatusNames.Pending);
                Parameters.Add($"NextAttempt{i}", handedOver ? 1 : 0);
                Parameters.Add($"NextLeaseOwner{i}", handedOver ? completion.Task.LeaseOwner : null);
                Parameters.Add(
                    $"NextLeaseExpiresAt{i}", handedOver ? MySqlTime.ToDatabase(now + completion.Task.LeaseDuration) : null);
                Parameters.Add($"NextScheduledAt{i}", MySqlTime.ToDatabase(completion.NextStepDueFrom(now)));
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

    public DynamicParameters Parameters { get; }
}
