namespace GoFlow.Worker;

/// <summary>
/// The worker's <see cref="WorkerOptions.MaxConcurrency"/> slots: a claimed task takes one, and keeps it for the steps
/// its workflow hands over after it (ADR 0011).
/// </summary>
/// <remarks>
/// The host may dispose the worker while its stop is still running (WebApplicationFactory does), so the semaphore is
/// never disposed: it holds no OS handle unless its wait handle is asked for, which this class never does.
/// </remarks>
internal sealed class TaskSlots(int count)
{
    private readonly SemaphoreSlim _free = new(count, count);

    /// <summary>Waits for at least one free slot, then takes as many more as are free, up to <paramref name="most"/>.</summary>
    /// <returns>How many slots were taken.</returns>
    public async Task<int> TakeAsync(int most, CancellationToken cancellationToken)
    {
        await _free.WaitAsync(cancellationToken);
        var taken = 1;
        while (taken < most && _free.Wait(0, CancellationToken.None))
        {
            taken++;
        }

        return taken;
    }

    /// <summary>The slots taken now.</summary>
    public int InUse => count - _free.CurrentCount;

    public void Free(int slots = 1) => _free.Release(slots);

    /// <summary>Completes once every slot is free, that is once every task taken into one has ended.</summary>
    public async Task WhenAllFreeAsync()
    {
        for (var slot = 0; slot < count; slot++)
        {
            await _free.WaitAsync(CancellationToken.None);
        }
    }
}
