using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

internal sealed class ClaimTasks(ITaskQueue queue, TimeProvider clock) : IClaimTasks
{
    public Task<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimTasksCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetStoreNow();
        var claim = new TaskClaim(command.WorkerId, command.MaxTasks, now, now + command.LeaseDuration);
        return queue.ClaimAsync(claim, cancellationToken);
    }
}
