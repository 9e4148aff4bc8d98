using GoFlow.Ports.Driven;

namespace GoFlow.Application.Tasks;

/// <summary>
/// Group commit for finished attempts: a completion that arrives while a write is in flight waits for it, and all the
/// completions that gathered meanwhile are written together, in one transaction. Under load one durable commit then
/// records many steps; on an idle system a completion is written at once, without waiting for company.
/// </summary>
/// <remarks>
/// Each step stays durable on its own terms: its caller is answered only after the commit that holds it. One write is in
/// flight at a time, so a group is as large as the completions that arrived during the previous write, which is what
/// lets the batch size follow the load without a timer or a tuning knob.
/// </remarks>
internal sealed class CompletionGroupCommit(ITaskQueue queue, TimeProvider clock)
{
    /// <summary>
    /// The most completions one transaction records: enough to spread a commit over many steps, few enough to keep
    /// the statements' parameters and the locks a transaction holds small.
    /// </summary>
    public const int MaxGroupSize = 200;

    private readonly Lock _gate = new();
    private readonly Queue<WaitingCompletion> _waiting = new();
    private bool _writing;

    /// <summary>Records <paramref name="completion"/> with whatever else is waiting.</summary>
    /// <returns>What was recorded; null, changing nothing, when the task is no longer held by its claim.</returns>
    /// <exception cref="StoreUnavailableException">The store could not be reached; nothing of this completion was written.</exception>
    public Task<RecordedCompletion?> CompleteAsync(TaskCompletion completion)
    {
        var waiting = new WaitingCompletion(completion);
        bool startWriting;
        lock (_gate)
        {
            _waiting.Enqueue(waiting);
            startWriting = !_writing;
            _writing = true;
        }

        if (startWriting)
        {
            // Not awaited: the caller that finds no write in flight starts the writer, then waits for its own answer
            // like every other caller, so no one's completion waits on the groups written after its own.
            _ = WriteWaitingAsync();
        }

        return waiting.Recorded.Task;
    }

    private async Task WriteWaitingAsync()
    {
        // Off the caller's thread: the caller that started the writer goes on to wait for its answer.
        await Task.Yield();
        while (TakeGroup() is { Count: > 0 } group)
        {
            await WriteAsync(group);
        }
    }

    private List<WaitingCompletion> TakeGroup()
    {
        lock (_gate)
        {
            var group = new List<WaitingCompletion>(Math.Min(_waiting.Count, MaxGroupSize));
            while (group.Count < MaxGroupSize && _waiting.TryDequeue(out var waiting))
            {
                group.Add(waiting);
            }

            // Cleared under the same lock a newcomer checks it under, so a completion that arrives now starts a writer.
            _writing = group.Count > 0;
            return group;
        }
    }

    private async Task WriteAsync(List<WaitingCompletion> group)
    {
        try
        {
            var recorded = await queue.CompleteAsync(
                [.. group.Select(waiting => waiting.Completion)], clock.GetStoreNow(), CancellationToken.None);
            var byCompletion = recorded.ToDictionary<RecordedCompletion, TaskCompletion, RecordedCompletion>(
                entry => entry.Completion, entry => entry, ReferenceEqualityComparer.Instance);
            foreach (var waiting in group)
            {
                waiting.Recorded.TrySetResult(byCompletion.GetValueOrDefault(waiting.Completion));
            }
        }
        catch (StoreUnavailableException exception)
        {
            // Nothing was written; each caller decides when to try again.
            foreach (var waiting in group)
            {
                waiting.Recorded.TrySetException(exception);
            }
        }
#pragma warning disable CA1031 // Any other failure is handed to the callers, one by one, never swallowed.
        catch (Exception) when (group.Count > 1)
#pragma warning restore CA1031
        {
            // A completion the store refuses (a broken invariant) must not fail the steps it happened to share a
            // transaction with: write each alone, so the failure reaches only its own caller.
            foreach (var waiting in group)
            {
                await WriteAsync([waiting]);
            }
        }
#pragma warning disable CA1031 // The single refused completion's failure goes to its caller.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            group[0].Recorded.TrySetException(exception);
        }
    }

    /// <summary>A completion waiting for the write that holds it, and how its caller hears the outcome.</summary>
    private sealed class WaitingCompletion(TaskCompletion completion)
    {
        public TaskCompletion Completion { get; } = completion;

        // Continuations run asynchronously so that a caller resuming never runs on, and holds up, the writer.
        public TaskCompletionSource<RecordedCompletion?> Recorded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
