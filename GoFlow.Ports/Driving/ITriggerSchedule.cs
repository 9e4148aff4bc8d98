namespace GoFlow.Ports.Driving;

/// <summary>
/// Starts a schedule's workflow now, outside its cron times, paused or not: an operator's explicit request. It is no
/// fire of the schedule, so the overlap policy does not look at it and it does not move the schedule's latest fire.
/// </summary>
public interface ITriggerSchedule
{
    /// <returns>What starting the workflow came to, or null when no schedule has that name.</returns>
    Task<StartWorkflowResult?> TriggerAsync(string name, CancellationToken cancellationToken);
}
