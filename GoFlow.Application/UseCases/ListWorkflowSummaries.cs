using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Application.UseCases;

internal sealed class ListWorkflowSummaries(IWorkflowSummaries summaries) : IListWorkflowSummaries
{
    public Task<WorkflowSummaryPage> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken) =>
        summaries.ListAsync(query, cancellationToken);
}
