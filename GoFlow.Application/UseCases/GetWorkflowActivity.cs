using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

internal sealed class GetWorkflowActivity(IWorkflowRepository repository) : IGetWorkflowActivity
{
    public Task<IReadOnlyList<ActivityLogEntry>?> GetAsync(
        GetWorkflowActivityQuery query, CancellationToken cancellationToken) =>
        repository.GetActivityAsync(query.Id, cancellationToken);
}
