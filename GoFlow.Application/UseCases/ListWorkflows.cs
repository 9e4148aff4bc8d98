using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Application.UseCases;

internal sealed class ListWorkflows(IWorkflowRepository repository) : IListWorkflows
{
    public Task<WorkflowPage> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken) =>
        repository.ListAsync(query, cancellationToken);
}
