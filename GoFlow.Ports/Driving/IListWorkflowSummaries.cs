using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driving;

/// <summary>Lists workflows newest first, filtered, a page at a time, without their payloads.</summary>
public interface IListWorkflowSummaries
{
    Task<WorkflowSummaryPage> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken);
}
