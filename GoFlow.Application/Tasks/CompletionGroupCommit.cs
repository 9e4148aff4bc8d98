using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.Tasks;

/// <summary>
/// The group commit of finished attempts (<see cref="GroupCommit{TItem, TResult}"/>): the steps that finish while the
/// writers are busy are recorded together, in one <see cref="ITaskQueue.CompleteAsync"/> transaction.
/// </summary>
internal sealed class CompletionGroupCommit
{
    /// <summary>The most completions one transaction records.</summary>
    public const int MaxGroupSize = 200;

    /// <summary>Two groups in flight: one being flushed while the next one's statements travel.</summary>
    public const int MaxConcurrentWrites = 2;

    private readonly GroupCommit<TaskCompletion, AttemptResult> _groups;

    /// <remarks>
    /// A group is weighed by the payload characters it writes: an output is written three times (the task's output,
    /// the next task's input, the workflow's current input), and a group stays within what the store says one
    /// transaction may carry (<see cref="StoreLimits.MaxPayloadCharsPerTransaction"/>).
    /// </remarks>
    public CompletionGroupCommit(
        ITaskQueue queue, TimeProvider clock, StoreLimits storeLimits, int maxConcurrentWrites = MaxConcurrentWrites) =>
        _groups = new(
            group => WriteGroupAsync(queue, clock, group),
            MaxGroupSize,
            completion => 3L * completion.OutputPayload.Length,
            storeLimits.MaxPayloadCharsPerTransaction,
            maxConcurrentWrites);

    /// <summary>Records <paramref name="completion"/> with whatever else is waiting.</summary>
    /// <returns>
    /// <see cref="AttemptOutcome.Completed"/> with the next step's task when it was handed over; or
    /// <see cref="AttemptOutcome.Rejected"/>, changing nothing, when the task is no longer held by its claim.
    /// </returns>
    /// <exception cref="StoreUnavailableException">The store could not be reached; nothing of this completion was written.</exception>
    public Task<AttemptResult> CompleteAsync(TaskCompletion completion) => _groups.WriteAsync(completion);

    private static async Task<IReadOnlyList<AttemptResult>> WriteGroupAsync(
        ITaskQueue queue, TimeProvider clock, IReadOnlyList<TaskCompletion> group)
    {
        var recorded = await queue.CompleteAsync(group, clock.GetUtcNow(), CancellationToken.None);
        var results = new AttemptResult[group.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = recorded.TryGetValue(group[i], out var nextTask)
                ? new AttemptResult(AttemptOutcome.Completed, nextTask)
                : new AttemptResult(AttemptOutcome.Rejected);
        }

        return results;
    }
}
