using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

internal sealed class ReleaseTask(ITaskQueue queue, IWorkAvailableSignal workAvailable, TimeProvider clock) : IReleaseTask
{
    public async Task<bool> ReleaseAsync(ClaimedTask task, CancellationToken cancellationToken)
    {
        var released = await queue.ReleaseAsync(task, clock.GetUtcNow(), cancellationToken);
        if (released)
        {
            workAvailable.Notify();
        }

        return released;
    }
}
