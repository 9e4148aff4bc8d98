using GoFlow.Ports.Driven;

namespace GoFlow.Worker;

/// <summary>
/// The worker's side of a start that hands its first task over (ADR 0037): a start in this process takes one of the
/// worker's slots within its share, its workflow is stored with the first task already held by this worker, and the
/// task runs in that slot once committed, as a claimed task would, with no claim.
/// </summary>
internal sealed partial class TaskWorker : ILocalWorkerSlots
{
    /// <summary>The claim loop's stopping token, for the tasks handed over by starts; cancelled until the loop runs.</summary>
    private CancellationToken _stopping = new(canceled: true);

    public IHandOverSlot? TryTake() => _slots.TryTake(share.Limit) ? new HandOverSlot(this) : null;

    /// <summary>
    /// Lends slots to starts from now until <paramref name="stoppingToken"/> fires: a stopping worker takes no more
    /// starts, which are then stored PENDING for any worker.
    /// </summary>
    private void OpenToStarts(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        stoppingToken.Register(_slots.Close);
        if (!stoppingToken.IsCancellationRequested)
        {
            _slots.Open();
        }
    }

    private sealed class HandOverSlot(TaskWorker worker) : IHandOverSlot
    {
        private int _given;

        public string WorkerId => worker._options.WorkerId;

        public void Run(ClaimedTask task)
        {
            GiveOnce();
            // A work item of its own, queued on this thread: Run is called where the start's group answers its callers,
            // one after the other (ADR 0026), and running the handler there would make every later caller of the group
            // wait for it. Not awaited, as for a claimed task: the slot is freed when the task's chain ends.
            ThreadPool.UnsafeQueueUserWorkItem(
                static state => _ = state.Worker.RunInSlotAsync(state.Task, state.Worker._stopping),
                (Worker: worker, Task: task),
                preferLocal: true);
        }

        public void Free()
        {
            GiveOnce();
            worker._slots.Free();
        }

        private void GiveOnce()
        {
            if (Interlocked.Exchange(ref _given, 1) != 0)
            {
                throw new InvalidOperationException("A slot taken for a start is run or freed once.");
            }
        }
    }
}
