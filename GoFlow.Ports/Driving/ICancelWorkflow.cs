using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Ports.Driving;

/// <summary>Cancels a PENDING or RUNNING workflow: no further step runs, and a running one is told to stop.</summary>
public interface ICancelWorkflow
{
    Task<WorkflowChangeResult> CancelAsync(WorkflowId id, CancellationToken cancellationToken);
}
