namespace GoFlow.Ports.Driving;

/// <summary>Deletes one batch of finished workflows older than the retention age.</summary>
public interface IPurgeFinishedWorkflows
{
    /// <returns>How many workflows were deleted; fewer than <paramref name="maxWorkflows"/> means none is left.</returns>
    Task<int> PurgeAsync(TimeSpan olderThan, int maxWorkflows, CancellationToken cancellationToken);
}
