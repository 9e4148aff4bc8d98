using GoFlow.Ports.Driven;

namespace GoFlow.Application.Definitions;

/// <summary>
/// The lease length of a process that runs the use cases without the worker, which replaces this with its configured
/// one: <see cref="ILeasePolicy.DefaultLeaseDuration"/>.
/// </summary>
internal sealed class DefaultLeasePolicy : ILeasePolicy
{
    public TimeSpan LeaseDuration => ILeasePolicy.DefaultLeaseDuration;
}
