namespace GoFlow.Ports.Driven;

/// <summary>How many tasks wait and how many run right now, for the engine's gauges.</summary>
public interface ITaskStatistics
{
    /// <summary>
    /// Counts the PENDING tasks (due or scheduled for a retry) and the RUNNING ones, across every workflow, in one
    /// statement. Called every few seconds by every host, so it must stay cheap.
    /// </summary>
    Task<TaskCounts> CountAsync(CancellationToken cancellationToken);
}

/// <summary>Tasks <paramref name="Pending"/> (waiting for a worker) and <paramref name="Running"/> (claimed) at one moment.</summary>
public sealed record TaskCounts(long Pending, long Running);
