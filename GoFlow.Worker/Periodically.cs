namespace GoFlow.Worker;

/// <summary>The timer loop of the worker's upkeep services: the lease heartbeat and the two sweeps.</summary>
internal static class Periodically
{
    /// <summary>
    /// Runs <paramref name="run"/> every <paramref name="interval"/> until <paramref name="stop"/> fires. A run that
    /// fails (the database is down, say) is handed to <paramref name="runFailed"/> and tried again at the next tick:
    /// upkeep must outlive an outage.
    /// </summary>
    /// <param name="runAtStart">Also runs once at once, before the first interval has passed.</param>
    public static async Task RepeatAsync(
        TimeSpan interval,
        TimeProvider clock,
        Func<CancellationToken, Task> run,
        Action<Exception> runFailed,
        bool runAtStart,
        CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            var goOn = !runAtStart || await TryRunAsync(run, runFailed, stop);
            while (goOn && await timer.WaitForNextTickAsync(stop))
            {
                goOn = await TryRunAsync(run, runFailed, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped between two ticks.
        }
    }

    /// <returns>False when the run ended because <paramref name="stop"/> fired.</returns>
    private static async Task<bool> TryRunAsync(
        Func<CancellationToken, Task> run, Action<Exception> runFailed, CancellationToken stop)
    {
        try
        {
            await run(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }
#pragma warning disable CA1031 // Whatever a run throws is logged; the next tick tries again.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            runFailed(exception);
        }

        return true;
    }
}
