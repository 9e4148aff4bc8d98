using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driving;

/// <summary>Lists the configured schedules with their state and next fire, by name.</summary>
public interface IListSchedules
{
    Task<IReadOnlyList<ScheduleView>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>Pauses or resumes a schedule: a paused schedule skips its fires until it is resumed.</summary>
public interface IPauseSchedule
{
    /// <returns>The schedule as it is after the change, or null when no schedule has that name.</returns>
    Task<ScheduleView?> SetPausedAsync(PauseScheduleCommand command, CancellationToken cancellationToken);
}

/// <summary>Pause (<paramref name="Paused"/> true) or resume schedule <paramref name="Name"/>.</summary>
public sealed record PauseScheduleCommand(string Name, bool Paused);

/// <summary>
/// Starts a schedule's workflow now, outside its cron times, paused or not: an operator's explicit request. It is no
/// fire of the schedule, so the overlap policy does not look at it and it does not move the schedule's latest fire.
/// </summary>
public interface ITriggerSchedule
{
    /// <returns>What starting the workflow came to, or null when no schedule has that name.</returns>
    Task<StartWorkflowResult?> TriggerAsync(string name, CancellationToken cancellationToken);
}

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
