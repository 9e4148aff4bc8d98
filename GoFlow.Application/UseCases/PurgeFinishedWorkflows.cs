using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

internal sealed class PurgeFinishedWorkflows(IWorkflowRetention retention, TimeProvider clock) : IPurgeFinishedWorkflows
{
    public Task<int> PurgeAsync(TimeSpan olderThan, int maxWorkflows, CancellationToken cancellationToken) =>
        retention.DeleteFinishedAsync(clock.GetUtcNow() - olderThan, maxWorkflows, cancellationToken);
}
