using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

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
