using GoFlow.Ports.Driven;
using Microsoft.Extensions.Options;

namespace GoFlow.Worker;

/// <summary>The lease length this process's worker claims with (<see cref="WorkerOptions.LeaseDuration"/>).</summary>
internal sealed class ConfiguredLeasePolicy(IOptions<WorkerOptions> options) : ILeasePolicy
{
    public TimeSpan LeaseDuration { get; } = options.Value.LeaseDuration;
}
