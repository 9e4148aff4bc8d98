namespace GoFlow.Ports.Driving;

/// <summary>
/// Fires the schedules that are due: for each, at most one workflow per fire time, however many hosts fire at once.
/// Called by the worker's schedule runner whenever a fire may be due.
/// </summary>
public interface IFireDueSchedules
{
    /// <returns>When the next fire of any schedule is due, or null when none will be.</returns>
    Task<DateTimeOffset?> FireDueAsync(FireDueSchedulesCommand command, CancellationToken cancellationToken);
}

/// <summary>
/// <paramref name="RunningSince"/> is when the caller began firing: a schedule that has never fired counts its fires
/// from then, rather than from the beginning of time.
/// </summary>
public sealed record FireDueSchedulesCommand(DateTimeOffset RunningSince);
