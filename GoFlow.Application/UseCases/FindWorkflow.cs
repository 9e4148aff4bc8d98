using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Application.UseCases;

internal sealed class FindWorkflow(IWorkflowSummaries summaries) : IFindWorkflow
{
    public async Task<WorkflowSummary?> FindAsync(FindWorkflowQuery query, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(query.Text))
        {
            return null;
        }

        // A key may look like a workflow id: the id is tried first, then the same text as a key.
        if (WorkflowId.TryParse(query.Text, out var id) && await summaries.FindAsync(id, cancellationToken) is { } byId)
        {
            return byId;
        }

        return await summaries.FindByIdempotencyKeyAsync(query.Text, cancellationToken);
    }
}
