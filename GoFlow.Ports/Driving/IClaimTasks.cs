using GoFlow.Ports.Driven;

namespace GoFlow.Ports.Driving;

/// <summary>Claims PENDING tasks for a worker to run.</summary>
public interface IClaimTasks
{
    Task<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimTasksCommand command, CancellationToken cancellationToken);
}

/// <summary>
/// Claim up to <paramref name="MaxTasks"/> tasks for <paramref name="WorkerId"/>, each held for the
/// <see cref="ILeasePolicy.LeaseDuration"/>.
/// </summary>
public sealed record ClaimTasksCommand(string WorkerId, int MaxTasks);
