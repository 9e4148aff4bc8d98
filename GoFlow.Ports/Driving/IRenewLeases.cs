using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Ports.Driving;

/// <summary>Extends the leases of the tasks a worker is still running (its heartbeat).</summary>
public interface IRenewLeases
{
    /// <returns>The ids of the tasks still held; the worker stops the others, whose results would be rejected.</returns>
    Task<IReadOnlyList<TaskId>> RenewAsync(RenewLeasesCommand command, CancellationToken cancellationToken);
}

/// <summary>
/// Extend the leases <paramref name="WorkerId"/> holds on <paramref name="Tasks"/> for the
/// <see cref="ILeasePolicy.LeaseDuration"/> from now.
/// </summary>
public sealed record RenewLeasesCommand(string WorkerId, IReadOnlyList<TaskClaim> Tasks);
