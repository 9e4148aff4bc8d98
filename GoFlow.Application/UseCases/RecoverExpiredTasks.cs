using GoFlow.Application.Telemetry;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

/// <summary>
/// The sweep every worker runs: tasks whose lease expired are taken back, and signal steps whose timeout came fail
/// (ADR 0020), each a read of an index the store keeps anyway, whatever the number of waiting workflows.
/// </summary>
internal sealed class RecoverExpiredTasks(
    ITaskQueue queue, ISignalInbox signals, IWorkAvailableSignal workAvailable, EngineTelemetry telemetry, TimeProvider clock)
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

        foreach (var workflowName in await signals.FailTimedOutAsync(clock.GetUtcNow(), maxTasks, cancellationToken))
        {
            // A signal step that timed out failed its workflow as a handler's last failure would.
            telemetry.WorkflowFailed(workflowName);
        }

        if (recovered.TasksTakenBack > 0)
        {
            workAvailable.Notify();
        }

        return recovered.TasksTakenBack;
    }
}
