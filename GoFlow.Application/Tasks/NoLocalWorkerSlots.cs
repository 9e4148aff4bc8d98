using GoFlow.Ports.Driven;

namespace GoFlow.Application.Tasks;

/// <summary>Used when this process runs no worker: no start hands its first task over, each is stored PENDING for any worker.</summary>
internal sealed class NoLocalWorkerSlots : ILocalWorkerSlots
{
    public IHandOverSlot? TryTake() => null;
}
