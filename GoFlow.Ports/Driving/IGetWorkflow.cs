using GoFlow.Domain;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driving;

/// <summary>Reads one workflow with its tasks.</summary>
public interface IGetWorkflow
{
    /// <returns>The workflow, or null when there is none with that id.</returns>
    Task<WorkflowDetails?> GetAsync(GetWorkflowQuery query, CancellationToken cancellationToken);
}

public sealed record GetWorkflowQuery(WorkflowId Id);
