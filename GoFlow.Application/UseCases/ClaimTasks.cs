using GoFlow.Application.Telemetry;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

internal sealed class ClaimTasks(ITaskQueue queue, ILeasePolicy leases, EngineTelemetry telemetry, TimeProvider clock) : IClaimTasks
{
    public async Task<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimTasksCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var claim = new ClaimRequest(command.WorkerId, command.MaxTasks, now, now + leases.LeaseDuration);
        var claimed = await queue.ClaimAsync(claim, cancellationToken);
        if (claimed.Count > 0)
        {
            telemetry.ClaimBatch(claimed.Count);
            foreach (var task in claimed)
            {
                telemetry.TaskClaimed(task.WorkflowName, task.TaskName, now - task.ScheduledAt);
            }
        }

        return claimed;
    }
}
