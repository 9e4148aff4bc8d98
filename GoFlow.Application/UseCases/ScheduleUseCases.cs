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
        var now = clock.GetStoreNow();
        return [.. schedules.All.Select(schedule => ToView(schedule, states.GetValueOrDefault(schedule.Name), now))];
    }

    internal static ScheduleView ToView(Schedule schedule, ScheduleState? state, DateTimeOffset now)
    {
        var paused = state?.Paused ?? false;
        return new ScheduleView(
            schedule.Name,
            schedule.WorkflowName,
            schedule.Cron,
            schedule.TimeZone,
            schedule.Overlap,
            schedule.CatchUp,
            paused,
            paused ? null : schedule.NextAfter(now),
            state?.LastFireAt,
            state?.LastWorkflowId);
    }
}

internal sealed class PauseSchedule(ConfiguredSchedules schedules, IScheduleStore store, TimeProvider clock) : IPauseSchedule
{
    public async Task<ScheduleView?> SetPausedAsync(PauseScheduleCommand command, CancellationToken cancellationToken)
    {
        if (schedules.Find(command.Name) is not { } schedule)
        {
            return null;
        }

        var now = clock.GetStoreNow();
        await store.SetPausedAsync(schedule.Name, command.Paused, now, cancellationToken);
        var states = await store.ReadAllAsync(cancellationToken);
        return ListSchedules.ToView(schedule, states.GetValueOrDefault(schedule.Name), now);
    }
}

internal sealed class TriggerSchedule(ConfiguredSchedules schedules, IStartWorkflow startWorkflow) : ITriggerSchedule
{
    public async Task<StartWorkflowResult?> TriggerAsync(string name, CancellationToken cancellationToken) =>
        schedules.Find(name) is { } schedule
            ? await startWorkflow.StartAsync(new StartWorkflowCommand(schedule.WorkflowName, schedule.Input), cancellationToken)
            : null;
}
