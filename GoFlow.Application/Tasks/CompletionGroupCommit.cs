using GoFlow.Ports.Driven;

namespace GoFlow.Application.Tasks;

/// <summary>
/// The group commit of finished attempts (<see cref="GroupCommit{TItem, TResult}"/>): the steps that finish while a
/// write is in flight are recorded together, in one <see cref="ITaskQueue.CompleteAsync"/> transaction.
/// </summary>
internal sealed class CompletionGroupCommit
{
    /// <summary>The most completions one transaction records.</summary>
    public const int MaxGroupSize = 200;

    /// <summary>Two groups in flight: one being flushed while the next one's statements travel.</summary>
    public const int MaxConcurrentWrites = 2;

    private readonly GroupCommit<TaskCompletion, RecordedCompletion?> _groups;

    public CompletionGroupCommit(ITaskQueue queue, TimeProvider clock, int maxConcurrentWrites = MaxConcurrentWrites) =>
        _groups = new(group => CompleteAsync(queue, clock, group), MaxGroupSize, maxConcurrentWrites);

    /// <summary>Records <paramref name="completion"/> with whatever else is waiting.</summary>
    /// <returns>What was recorded; null, changing nothing, when the task is no longer held by its claim.</returns>
    /// <exception cref="StoreUnavailableException">The store could not be reached; nothing of this completion was written.</exception>
    public Task<RecordedCompletion?> CompleteAsync(TaskCompletion completion) => _groups.WriteAsync(completion);

    private static async Task<IReadOnlyList<RecordedCompletion?>> CompleteAsync(
        ITaskQueue queue, TimeProvider clock, IReadOnlyList<TaskCompletion> group)
    {
        var recorded = await queue.CompleteAsync(group, clock.GetStoreNow(), CancellationToken.None);
        var byCompletion = recorded.ToDictionary<RecordedCompletion, TaskCompletion, RecordedCompletion>(
            entry => entry.Completion, entry => entry, ReferenceEqualityComparer.Instance);
        return [.. group.Select(completion => byCompletion.GetValueOrDefault(completion))];
    }
}
