using System.Diagnostics;

namespace GoFlow.Worker;

/// <summary>
/// The worker's <see cref="WorkerOptions.MaxConcurrency"/> handler slots, and as many recording places (ADR 0041): a
/// claimed task takes a handler slot; once its handler has returned and its result waits for its group commit, it
/// trades the slot for a recording place when one is free, so the claim loop can fill the slot meanwhile; a step handed
/// over after the commit takes a handler slot back, before any new claim does (ADR 0011). A worker so holds at most twice
/// <see cref="WorkerOptions.MaxConcurrency"/> tasks, and runs at most <see cref="WorkerOptions.MaxConcurrency"/> handlers.
/// </summary>
/// <remarks>
/// Only the claim loop waits for slots to claim into, one wait at a time, so there is a single such waiter (the steps
/// handed over wait in a queue of their own, served first, see <see cref="TakeBackAsync"/>). It is woken on the thread that
/// frees the slot it waits for, not through the thread pool: the loop then runs there up to its claim's first round
/// trip, and no idle pool thread is woken (and left spinning) for it. On SQLite, whose statements complete synchronously
/// when the write lock is free, that is the whole claim, run before the freeing thread goes on. The worker's stop waits
/// for every slot apart from this (<see cref="WhenAllFreeAsync"/>).
/// </remarks>
internal sealed class TaskSlots(int count)
{
    private static readonly Task<bool> SlotTaken = Task.FromResult(true);
    private static readonly Task<bool> NoSlot = Task.FromResult(false);

    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource<bool>> _handedOver = new();
    private bool _takingBackEnded;
    private int _taken;
    private int _recording;
    private int _wanted;
    private TaskCompletionSource? _enoughFree;
    private TaskCompletionSource? _allFree;

    /// <summary>The handler slots taken now.</summary>
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

    /// <summary>The tasks held now: in a handler slot or in a recording place (waiting for their record or for a slot).</summary>
    public int Held
    {
        get
        {
            lock (_gate)
            {
                return _taken + _recording;
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
        while (true)
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
                if (taken > 0)
                {
                    return taken;
                }
            }

            // A step handed over took the slot back (TakeBackAsync) between the wake-up and the lock: wait again
            // rather than claim nothing.
        }
    }

    /// <summary>Frees <paramref name="slots"/> handler slots: a step handed over and waiting for one takes it first.</summary>
    public void Free(int slots = 1) => Leave(slots, toRecording: false, fromRecording: 0);

    /// <summary>
    /// A step's handler returned and its result waits for its record: trades its handler slot for a recording place when
    /// one is free. With every place taken it keeps the slot until its record is written, so that what a worker holds
    /// stays bounded.
    /// </summary>
    /// <returns>Whether the step now holds a recording place instead of its handler slot.</returns>
    public bool TryStartRecording() => Leave(1, toRecording: true, fromRecording: 0);

    /// <summary>A step that held a recording place ended its chain: its record is written and nothing was handed over.</summary>
    public void EndRecording() => Leave(0, toRecording: false, fromRecording: 1);

    /// <summary>
    /// A step handed over by a recorded one takes a handler slot back for its own handler: at once when one is free,
    /// else before the claim loop gets the next freed one. It keeps its recording place while it waits, so it stays
    /// counted in what the worker holds. Once the worker has stopped claiming (<see cref="EndTakingBack"/>) it waits no
    /// more: the slots it would wait for may be held by handlers that run until the shutdown deadline, or past it.
    /// </summary>
    /// <returns>
    /// True once the step holds a handler slot instead of its recording place; false, the step keeping its recording
    /// place, when the worker stopped claiming before a slot was free.
    /// </returns>
    public Task<bool> TakeBackAsync()
    {
        lock (_gate)
        {
            if (_taken < count)
            {
                // A free slot means no step waits for one: each freed slot goes to a waiting step first.
                _taken++;
                _recording--;
                return SlotTaken;
            }

            if (_takingBackEnded)
            {
                return NoSlot;
            }

            // Its handler runs off the thread that frees the slot: that thread is another step's, inside its own.
            var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _handedOver.Enqueue(waiter);
            return waiter.Task;
        }
    }

    /// <summary>
    /// The worker stopped claiming: the steps handed over and waiting for a handler slot stop waiting (their
    /// <see cref="TakeBackAsync"/> answers false), and so does every later one that finds no slot free.
    /// </summary>
    public void EndTakingBack()
    {
        List<TaskCompletionSource<bool>> waiting;
        lock (_gate)
        {
            _takingBackEnded = true;
            waiting = [.. _handedOver];
            _handedOver.Clear();
        }

        waiting.ForEach(waiter => waiter.TrySetResult(false));
    }

    /// <returns>False, changing nothing, when the step was to take a recording place and none is free.</returns>
    private bool Leave(int slots, bool toRecording, int fromRecording)
    {
        TaskCompletionSource? waiter = null;
        TaskCompletionSource? allFree = null;
        List<TaskCompletionSource<bool>>? handedOver = null;
        lock (_gate)
        {
            if (toRecording && _recording == count)
            {
                return false;
            }

            _taken -= slots;
            _recording += (toRecording ? 1 : 0) - fromRecording;
            Debug.Assert(_taken >= 0 && _recording >= 0, "more slots freed than taken");
            while (_taken < count && _handedOver.TryDequeue(out var next))
            {
                _taken++;
                _recording--;
                (handedOver ??= []).Add(next);
            }

            if (_enoughFree is not null && count - _taken >= _wanted)
            {
                (waiter, _enoughFree) = (_enoughFree, null);
            }

            if (_taken == 0 && _recording == 0)
            {
                (allFree, _allFree) = (_allFree, null);
            }
        }

        handedOver?.ForEach(next => next.TrySetResult(true));
        waiter?.TrySetResult();
        allFree?.TrySetResult();
        return true;
    }

    /// <summary>
    /// Completes once every slot and recording place is free, that is once every task taken into one has ended. The worker's stop waits for
    /// it, and resumes on the thread pool rather than inside the last task's own ending (often a group commit's runner,
    /// still answering the others of its group).
    /// </summary>
    public Task WhenAllFreeAsync()
    {
        lock (_gate)
        {
            if (_taken == 0 && _recording == 0)
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
