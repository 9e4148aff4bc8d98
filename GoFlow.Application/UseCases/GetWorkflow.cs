using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Application.UseCases;

internal sealed class GetWorkflow(IWorkflowRepository repository) : IGetWorkflow
{
    public Task<WorkflowDetails?> GetAsync(GetWorkflowQuery query, CancellationToken cancellationToken) =>
        repository.FindAsync(query.Id, cancellationToken);
}
