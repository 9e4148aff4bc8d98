using GoFlow.Domain;

namespace GoFlow.Ports.Driving;

/// <summary>Reads a workflow's activity log.</summary>
public interface IGetWorkflowActivity
{
    /// <returns>The rows oldest first, or null when there is no workflow with that id.</returns>
    Task<IReadOnlyList<ActivityLogEntry>?> GetAsync(GetWorkflowActivityQuery query, CancellationToken cancellationToken);
}

public sealed record GetWorkflowActivityQuery(WorkflowId Id);
