using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

internal sealed class RenewLeases(ITaskQueue queue, ILeasePolicy leases, TimeProvider clock) : IRenewLeases
{
    public Task<IReadOnlyList<TaskId>> RenewAsync(RenewLeasesCommand command, CancellationToken cancellationToken)
    {
        if (command.Tasks.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<TaskId>>([]);
        }

        var now = clock.GetUtcNow();
        return queue.RenewLeasesAsync(
            new LeaseRenewal(command.WorkerId, command.Tasks, now + leases.LeaseDuration, now), cancellationToken);
    }
}
