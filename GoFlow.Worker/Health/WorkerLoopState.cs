namespace GoFlow.Worker.Health;

/// <summary>Where the task worker's claim loop is in its life, as the readiness check sees it.</summary>
internal enum WorkerLoopStatus
{
    NotStarted,
    Running,
    Ended,
    Faulted,
}

/// <summary>
/// The claim loop's state, written by <see cref="TaskWorker"/> and read by <see cref="WorkerHealthCheck"/>: a host whose
/// loop has ended (stopping, or killed by an exception) still answers HTTP, but no longer runs workflows.
/// </summary>
internal sealed class WorkerLoopState
{
    private int _status = (int)WorkerLoopStatus.NotStarted;

    public WorkerLoopStatus Status => (WorkerLoopStatus)Volatile.Read(ref _status);

    public void Started() => Volatile.Write(ref _status, (int)WorkerLoopStatus.Running);

    public void Ended() => Volatile.Write(ref _status, (int)WorkerLoopStatus.Ended);

    public void Faulted() => Volatile.Write(ref _status, (int)WorkerLoopStatus.Faulted);
}
