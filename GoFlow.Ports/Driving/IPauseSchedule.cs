using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driving;

/// <summary>Pauses or resumes a schedule: a paused schedule skips its fires until it is resumed.</summary>
public interface IPauseSchedule
{
    /// <returns>The schedule as it is after the change, or null when no schedule has that name.</returns>
    Task<ScheduleView?> SetPausedAsync(PauseScheduleCommand command, CancellationToken cancellationToken);
}

/// <summary>Pause (<paramref name="Paused"/> true) or resume schedule <paramref name="Name"/>.</summary>
public sealed record PauseScheduleCommand(string Name, bool Paused);
