using GoFlow.Ports.Driven;

namespace GoFlow.Application.Tasks;

/// <summary>Used when this process serves no API: a worker here never has to make room for one.</summary>
internal sealed class NoApiLoad : IApiLoad
{
    public int RequestsInFlight => 0;
}
