using GoFlow.Application.Schedules;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Application.UseCases;

internal sealed class ListSchedules(ConfiguredSchedules schedules, IScheduleStore store, TimeProvider clock) : IListSchedules
{
    public async Task<IReadOnlyList<ScheduleView>> ListAsync(CancellationToken cancellationToken)
    {
        if (schedules.All.Count == 0)
        {
            return [];
        }

        var states = await store.ReadAllAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return [.. schedules.All.Select(schedule => schedule.View(states.GetValueOrDefault(schedule.Name), now))];
    }
}
