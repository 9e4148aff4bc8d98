namespace GoFlow.Ports.Driven;

/// <summary>
/// How long a claim holds its task, from the adapter that runs the claims (the worker's <c>Worker:LeaseDuration</c>):
/// the lease a claim grants, that a heartbeat extends from its time, and that a step handed over to the same holder
/// gets from its commit (ADR 0011).
/// </summary>
public interface ILeasePolicy
{
    /// <summary>The lease length of a process that configures none: 30 seconds.</summary>
    static TimeSpan DefaultLeaseDuration { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The lease length every claim, renewal and hand-over of this process grants.</summary>
    TimeSpan LeaseDuration { get; }
}
