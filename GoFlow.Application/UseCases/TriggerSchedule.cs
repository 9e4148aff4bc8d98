using GoFlow.Application.Schedules;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

internal sealed class TriggerSchedule(ConfiguredSchedules schedules, IStartWorkflow startWorkflow) : ITriggerSchedule
{
    public async Task<StartWorkflowResult?> TriggerAsync(string name, CancellationToken cancellationToken) =>
        schedules.Find(name) is { } schedule
            ? await startWorkflow.StartAsync(new StartWorkflowCommand(schedule.WorkflowName, schedule.Input), cancellationToken)
            : null;
}
