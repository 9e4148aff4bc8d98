using GoFlow.Ports.Driven;

namespace GoFlow.Application.Tasks;

/// <summary>
/// Group commit: an item that arrives while every writer is busy waits, and the items that gathered meanwhile are written
/// together, in one transaction. Under load one durable commit then records many items; on an idle system an item is
/// written at once, without waiting for company.
/// </summary>
/// <remarks>
/// Each item stays durable on its own terms: its caller is answered only after the commit that holds it. At most
/// <paramref name="maxConcurrentWrites"/> writes are in flight, so a group is as large as the items that arrived while the
/// writes before it ran, which is what lets the group size follow the load without a timer or a tuning knob.
/// </remarks>
/// <param name="writeGroup">Writes a group in one transaction; answers with one result per item, in the items' order.</param>
/// <param name="maxGroupSize">
/// The most items one transaction holds: enough to spread a commit over many, few enough to keep a transaction's
/// statements and locks small.
/// </param>
/// <param name="weigh">How much of a statement an item takes (the characters of its payloads, as often as it is sent).</param>
/// <param name="maxGroupWeight">
/// The most weight one transaction carries, so that large payloads make smaller groups rather than a statement the
/// store would refuse (<see cref="StoreLimits.MaxPayloadCharsPerTransaction"/>); an item heavier than this is still written, alone.
/// </param>
/// <param name="maxConcurrentWrites">
/// How many groups may be written at once. More than one lets the next group's statements travel while the previous
/// group's commit is being flushed, so neither the database nor this process waits for the other; the groups must not
/// share rows (no two hold the same task or workflow), or their transactions would queue on each other's locks.
/// </param>
internal sealed class GroupCommit<TItem, TResult>(
    Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> writeGroup,
    int maxGroupSize,
    Func<TItem, long> weigh,
    long maxGroupWeight,
    int maxConcurrentWrites)
{
    private readonly Lock _gate = new();
    private readonly Queue<Waiting> _waiting = new();
    private int _writers;

    /// <summary>Writes <paramref name="item"/> with whatever else is waiting.</summary>
    /// <returns>The item's result, once the transaction that holds it has committed.</returns>
    /// <exception cref="StoreUnavailableException">The store could not be reached; nothing of this item was written.</exception>
    public Task<TResult> WriteAsync(TItem item)
    {
        var waiting = new Waiting(item);
        bool startWriting;
        lock (_gate)
        {
            _waiting.Enqueue(waiting);
            startWriting = _writers < maxConcurrentWrites;
            if (startWriting)
            {
                _writers++;
            }
        }

        if (startWriting)
        {
            // Not awaited: the caller that finds a writer missing starts one, then waits for its own answer like every
            // other caller, so no one's item waits on the groups written after its own.
            _ = WriteWaitingAsync();
        }

        return waiting.Task;
    }

    private async Task WriteWaitingAsync()
    {
        // Off the caller's thread: the caller that started the writer goes on to wait for its answer.
        await Task.Yield();
        while (TakeGroup() is { Count: > 0 } group)
        {
            await WriteGroupAsync(group);
        }
    }

    private List<Waiting> TakeGroup()
    {
        lock (_gate)
        {
            var group = new List<Waiting>(Math.Min(_waiting.Count, maxGroupSize));
            var weight = 0L;
            while (group.Count < maxGroupSize && _waiting.TryPeek(out var next))
            {
                var nextWeight = weigh(next.Item);
                if (group.Count > 0 && weight + nextWeight > maxGroupWeight)
                {
                    break;
                }

                group.Add(_waiting.Dequeue());
                weight += nextWeight;
            }

            // Counted down under the same lock a newcomer checks it under, so an item that arrives now starts a writer.
            if (group.Count == 0)
            {
                _writers--;
            }

            return group;
        }
    }

    private async Task WriteGroupAsync(List<Waiting> group)
    {
        IReadOnlyList<TResult> results;
        try
        {
            results = await writeGroup([.. group.Select(waiting => waiting.Item)]);
        }
        catch (StoreUnavailableException exception)
        {
            // Nothing was written; each caller decides when to try again.
            new Answers(group, results: null, exception).Send();
            return;
        }
#pragma warning disable CA1031 // Any other failure is handed to the callers, one by one, never swallowed.
        catch (Exception) when (group.Count > 1)
#pragma warning restore CA1031
        {
            // An item the store refuses (a broken invariant) must not fail the items it happened to share a
            // transaction with: write each alone, so the failure reaches only its own caller.
            foreach (var waiting in group)
            {
                await WriteGroupAsync([waiting]);
            }

            return;
        }
#pragma warning disable CA1031 // The single refused item's failure goes to its caller.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            new Answers(group, results: null, exception).Send();
            return;
        }

        new Answers(group, results, failure: null).Send();
    }

    /// <summary>
    /// An item waiting for the write that holds it, and how its caller hears the outcome: the completion source itself,
    /// one object per item rather than two.
    /// </summary>
    /// <remarks>Continuations run synchronously, on the thread that answers (see Answers): never the writer's.</remarks>
    private sealed class Waiting(TItem item) : TaskCompletionSource<TResult>
    {
        public TItem Item { get; } = item;
    }

    /// <summary>
    /// Answers the callers of a written group on a few thread-pool threads for the whole group (one per 32 callers, one
    /// per core at most), each taking the next caller not yet answered and running its continuation (that caller's next
    /// step, up to its next write) before the next one, rather than one work item per caller. A work item per caller
    /// woke the idle pool threads in turn, and each spun a while when the queue ran dry (ADR 0026). The writer only
    /// queues the runners and goes on with the next group.
    /// </summary>
    /// <remarks>
    /// A caller whose continuation holds its thread (a handler that blocks instead of awaiting) holds up the callers its
    /// runner has not answered yet, until another runner of the group takes them: their steps start later, and their
    /// timeouts with them.
    /// </remarks>
    private sealed class Answers(List<Waiting> group, IReadOnlyList<TResult>? results, Exception? failure)
        : IThreadPoolWorkItem
    {
        /// <summary>
        /// The callers one runner answers before another is worth waking: a caller's continuation is short (its next
        /// step up to that step's write), so a small group is answered on one thread.
        /// </summary>
        private const int CallersPerRunner = 32;

        private int _answered = -1;

        public void Send()
        {
            var runners = Math.Min((group.Count + CallersPerRunner - 1) / CallersPerRunner, Environment.ProcessorCount);
            for (var runner = 0; runner < runners; runner++)
            {
                // The callers' continuations restore their own execution context: none need flow from the writer.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        public void Execute()
        {
            for (var next = Interlocked.Increment(ref _answered); next < group.Count; next = Interlocked.Increment(ref _answered))
            {
                if (failure is null)
                {
                    group[next].TrySetResult(results![next]);
                }
                else
                {
                    group[next].TrySetException(failure);
                }
            }
        }
    }
}
