namespace GoFlow.Ports.Driven;

/// <summary>
/// The slots of a worker in this process, as a start sees them (ADR 0037): a start due at once takes a free slot, its
/// workflow is stored with its first task already held by that worker, and the worker runs the task in that slot as soon
/// as the start is committed, with no claim. The worker implements it; a process without a worker answers that no slot
/// is free, and its starts are stored PENDING for any worker to claim.
/// </summary>
public interface ILocalWorkerSlots
{
    /// <summary>
    /// Takes a slot for a start's first task when the worker here has one free within its share now (ADR 0021, 0024),
    /// and is not stopping; otherwise null. A slot taken must be given back: run (<see cref="IHandOverSlot.Run"/>) or
    /// freed (<see cref="IHandOverSlot.Free"/>), exactly once.
    /// </summary>
    IHandOverSlot? TryTake();
}

/// <summary>A worker's slot taken for a start's first task (<see cref="ILocalWorkerSlots.TryTake"/>).</summary>
public interface IHandOverSlot
{
    /// <summary>The worker the first task is handed to: its lease owner.</summary>
    string WorkerId { get; }

    /// <summary>Runs <paramref name="task"/>, committed as handed over to <see cref="WorkerId"/>, in this slot; the slot is freed when its chain ends.</summary>
    void Run(ClaimedTask task);

    /// <summary>Gives the slot back unused: the start was not committed, or its first task was not handed over.</summary>
    void Free();
}
