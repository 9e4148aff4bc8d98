using GoFlow.Ports.Driven;

namespace GoFlow.Ports.Driving;

/// <summary>Hands a task back unfinished, without counting the attempt: the worker is stopping.</summary>
public interface IReleaseTask
{
    /// <returns>False when the task was no longer held by this claim.</returns>
    Task<bool> ReleaseAsync(ClaimedTask task, CancellationToken cancellationToken);
}
