using GoFlow.Domain;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driven;

/// <summary>Stores workflow instances and reads them back.</summary>
public interface IWorkflowRepository
{
    /// <summary>
    /// Stores a new workflow, its first task and a WORKFLOW_CREATED activity row in one transaction.
    /// </summary>
    Task CreateAsync(WorkflowInstance workflow, WorkflowTask firstTask, CancellationToken cancellationToken);

    /// <summary>The workflow with its tasks in step order, or null when there is no such workflow.</summary>
    Task<WorkflowDetails?> FindAsync(WorkflowId id, CancellationToken cancellationToken);

    /// <summary>The workflow's activity log oldest first, or null when there is no such workflow.</summary>
    Task<IReadOnlyList<ActivityLogEntry>?> GetActivityAsync(WorkflowId id, CancellationToken cancellationToken);
}
