using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driving;

/// <summary>Lists workflows newest first, filtered, a page at a time.</summary>
public interface IListWorkflows
{
    Task<WorkflowPage> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken);
}
