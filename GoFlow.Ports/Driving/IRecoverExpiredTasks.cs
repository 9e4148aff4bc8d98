namespace GoFlow.Ports.Driving;

/// <summary>Takes back the tasks whose worker died or stalled: their lease ended without being renewed.</summary>
public interface IRecoverExpiredTasks
{
    /// <returns>How many tasks were taken back.</returns>
    Task<int> RecoverAsync(int maxTasks, CancellationToken cancellationToken);
}
