using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driving;

/// <summary>Reads the engine's state for an operator: counts by status, throughput, recent failures, retention.</summary>
public interface IGetWorkflowOverview
{
    Task<WorkflowOverview> GetAsync(CancellationToken cancellationToken);
}
