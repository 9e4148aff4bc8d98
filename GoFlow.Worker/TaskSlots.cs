using System.Diagnostics;

namespace GoFlow.Worker;

/// <summary>
/// The worker's <see cref="WorkerOptions.MaxConcurrency"/> slots: a claimed task takes one, and keeps it for the steps
/// its workflow hands over after it (ADR 0011).
/// </summary>
/// <remarks>
/// Only the claim loop waits for slots, one wait at a time, so there is a single waiter. It is woken on the thread that
/// frees the slot it waits for, not through the thread pool: the loop then runs there up to its claim's first round
/// trip, and no idle pool thread is woken (and left spinning) for it. On SQLite, whose statements complete synchronously
/// when the write lock is free, that is the whole claim, run before the freeing thread goes on. The worker's stop waits
/// for every slot apart from this (<see cref="WhenAllFreeAsync"/>).
/// </remarks>
internal sealed class TaskSlots(int count)
{
    private readonly Lock _gate = new();
    private int _taken;
    private int _wanted;
    private TaskCompletionSource? _enoughFree;
    private TaskCompletionSource? _allFree;

    /// <summary>The slots taken now.</summary>
    public int InUse
    {
        get
        {
            lock (_gate)
            {
                return _taken;
            }
        }
    }

    /// <summary>
    /// Waits for a free slot, then for <paramref name="enough"/> free slots for at most <paramref name="gather"/>, then
    /// takes as many as are free, up to <paramref name="most"/>: a claim costs the same round trips for one task as for
    /// many, so slots that free one by one are gathered into one claim.
    /// </summary>
    /// <returns>How many slots were taken, at least one.</returns>
    public async Task<int> TakeAsync(
        int most, int enough, TimeSpan gather, TimeProvider clock, CancellationToken cancellationToken)
    {
        await WhenFree(1).WaitAsync(cancellationToken);
        if (enough > 1)
        {
            // Not enough slots by the deadline is not a failure: the claim takes what is free then.
            await WhenFree(Math.Min(enough, count))
                .WaitAsync(gather, clock, cancellationToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }

        lock (_gate)
        {
            _enoughFree = null;
            var taken = Math.Min(count - _taken, most);
            _taken += taken;
            return taken;
        }
    }

    public void Free(int slots = 1)
    {
        TaskCompletionSource? waiter = null;
        TaskCompletionSource? allFree = null;
        lock (_gate)
        {
            _taken -= slots;
            Debug.Assert(_taken >= 0, "more slots freed than taken");
            if (_enoughFree is not null && count - _taken >= _wanted)
            {
                (waiter, _enoughFree) = (_enoughFree, null);
            }

            if (_taken == 0)
            {
                (allFree, _allFree) = (_allFree, null);
            }
        }

        waiter?.TrySetResult();
        allFree?.TrySetResult();
    }

    /// <summary>
    /// Completes once every slot is free, that is once every task taken into one has ended. The worker's stop waits for
    /// it, and resumes on the thread pool rather than inside the last task's own ending (often a group commit's runner,
    /// still answering the others of its group).
    /// </summary>
    public Task WhenAllFreeAsync()
    {
        lock (_gate)
        {
            if (_taken == 0)
            {
                return Task.CompletedTask;
            }

            _allFree ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _allFree.Task;
        }
    }

    private Task WhenFree(int wanted)
    {
        lock (_gate)
        {
            if (count - _taken >= wanted)
            {
                return Task.CompletedTask;
            }

            // Continuations run synchronously: on the thread that frees the slot (see the remarks).
            _wanted = wanted;
            _enoughFree = new TaskCompletionSource();
            return _enoughFree.Task;
        }
    }
}
