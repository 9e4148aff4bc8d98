using GoFlow.Ports.Driven;

namespace GoFlow.Application.Tasks;

/// <summary>Used when this process runs no worker: the workers of other processes find new tasks when they poll.</summary>
internal sealed class NoWorkAvailableSignal : IWorkAvailableSignal
{
    public void Notify()
    {
    }
}
