using GoFlow.Application.Telemetry;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

internal sealed class RecoverExpiredTasks(
    ITaskQueue queue, IWorkAvailableSignal workAvailable, EngineTelemetry telemetry, TimeProvider clock)
    : IRecoverExpiredTasks
{
    public async Task<int> RecoverAsync(int maxTasks, CancellationToken cancellationToken)
    {
        var recovered = await queue.RecoverExpiredLeasesAsync(clock.GetUtcNow(), maxTasks, cancellationToken);
        foreach (var workflowName in recovered.FailedWorkflowNames)
        {
            // A workflow whose task's lease expired on its last attempt failed here, not in a worker: counted all the same.
            telemetry.WorkflowFailed(workflowName);
        }

        if (recovered.TasksTakenBack > 0)
        {
            workAvailable.Notify();
        }

        return recovered.TasksTakenBack;
    }
}
