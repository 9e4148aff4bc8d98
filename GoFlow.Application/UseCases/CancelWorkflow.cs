using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

/// <remarks>
/// A task that is running when its workflow is cancelled learns it at its worker's next heartbeat, whose renewal
/// finds the task no longer RUNNING: the handler's token fires and whatever it returns is rejected by the guard.
/// </remarks>
internal sealed class CancelWorkflow(IWorkflowRepository repository, TimeProvider clock) : ICancelWorkflow
{
    public Task<WorkflowChangeResult> CancelAsync(WorkflowId id, CancellationToken cancellationToken) =>
        repository.CancelAsync(id, clock.GetUtcNow(), cancellationToken);
}
