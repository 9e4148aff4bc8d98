using GoFlow.Application.Schedules;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Application.UseCases;

internal sealed class PauseSchedule(ConfiguredSchedules schedules, IScheduleStore store, TimeProvider clock) : IPauseSchedule
{
    public async Task<ScheduleView?> SetPausedAsync(PauseScheduleCommand command, CancellationToken cancellationToken)
    {
        if (schedules.Find(command.Name) is not { } schedule)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        await store.SetPausedAsync(schedule.Name, command.Paused, now, cancellationToken);
        var states = await store.ReadAllAsync(cancellationToken);
        return schedule.View(states.GetValueOrDefault(schedule.Name), now);
    }
}
