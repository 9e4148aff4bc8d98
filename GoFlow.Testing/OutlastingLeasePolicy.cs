using GoFlow.Ports.Driven;

namespace GoFlow.Testing;

/// <summary>
/// The test host's lease: no heartbeat renews a lease here, so each task is claimed for longer than any attempt can
/// last. An attempt ends at its timeout at the latest, and the fake clock never passes a timeout while the handler works.
/// </summary>
internal sealed class OutlastingLeasePolicy(IWorkflowDefinitions definitions) : ILeasePolicy
{
    public TimeSpan LeaseDuration { get; } = definitions.All
        .SelectMany(definition => definition.Steps)
        .Select(step => step.Policy.Timeout)
        .DefaultIfEmpty(TimeSpan.Zero)
        .Max() + TimeSpan.FromDays(1);
}
