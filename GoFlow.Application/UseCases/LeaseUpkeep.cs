using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

internal sealed class RenewLeases(ITaskQueue queue, TimeProvider clock) : IRenewLeases
{
    public Task<IReadOnlyList<TaskId>> RenewAsync(RenewLeasesCommand command, CancellationToken cancellationToken)
    {
        if (command.Tasks.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<TaskId>>([]);
        }

        var now = clock.GetStoreNow();
        return queue.RenewLeasesAsync(
            new LeaseRenewal(command.WorkerId, command.Tasks, now + command.LeaseDuration, now), cancellationToken);
    }
}

internal sealed class RecoverExpiredTasks(ITaskQueue queue, IWorkAvailableSignal workAvailable, TimeProvider clock)
    : IRecoverExpiredTasks
{
    public async Task<int> RecoverAsync(int maxTasks, CancellationToken cancellationToken)
    {
        var recovered = await queue.RecoverExpiredLeasesAsync(clock.GetStoreNow(), maxTasks, cancellationToken);
        if (recovered > 0)
        {
            workAvailable.Notify();
        }

        return recovered;
    }
}

internal sealed class ReleaseTask(ITaskQueue queue, IWorkAvailableSignal workAvailable, TimeProvider clock) : IReleaseTask
{
    public async Task<bool> ReleaseAsync(ClaimedTask task, CancellationToken cancellationToken)
    {
        var released = await queue.ReleaseAsync(task, clock.GetStoreNow(), cancellationToken);
        if (released)
        {
            workAvailable.Notify();
        }

        return released;
    }
}
