namespace GoFlow.Worker;

/// <summary>
/// What one chain of steps (a claimed task and the steps handed over after it) holds in <see cref="TaskSlots"/>: a
/// handler slot while a handler runs, a recording place while a result waits for its record (ADR 0041).
/// </summary>
/// <remarks>
/// One per chain, so that telling the worker a handler returned costs a step no delegate of its own. The chain's steps
/// run one after the other, and <see cref="HandlerReturned"/> is called before the step's execution completes, which
/// the chain awaits before it reads <see cref="Recording"/>: no lock is needed for it.
/// </remarks>
internal sealed class ChainHold
{
    private readonly TaskSlots _slots;

    /// <param name="slots">The worker's slots, one of whose handler slots the claim loop took for this chain.</param>
    public ChainHold(TaskSlots slots)
    {
        _slots = slots;
        HandlerReturned = StartRecording;
    }

    /// <summary>Passed to the execution: the step's handler returned, and its result waits for its record.</summary>
    public Action HandlerReturned { get; }

    /// <summary>Whether the chain holds a recording place now, rather than a handler slot.</summary>
    public bool Recording { get; private set; }

    /// <summary>Before a handed-over step runs: takes a handler slot back if the chain gave its own up.</summary>
    /// <returns>
    /// Whether the chain holds a handler slot now; false when the worker stopped claiming before one was free, the
    /// chain keeping its recording place (<see cref="TaskSlots.TakeBackAsync"/>).
    /// </returns>
    public async Task<bool> TakeHandlerSlotAsync()
    {
        // Completes without a wait, and without allocating, when the chain kept its slot or one is free.
        if (Recording && await _slots.TakeBackAsync())
        {
            Recording = false;
        }

        return !Recording;
    }

    /// <summary>The chain ended: frees what it holds.</summary>
    public void Free()
    {
        if (Recording)
        {
            _slots.EndRecording();
        }
        else
        {
            _slots.Free();
        }
    }

    private void StartRecording()
    {
        if (!Recording)
        {
            Recording = _slots.TryStartRecording();
        }
    }
}
