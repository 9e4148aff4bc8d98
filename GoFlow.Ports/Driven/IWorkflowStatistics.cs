using GoFlow.Domain;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driven;

/// <summary>
/// Counts over the workflows for an operator's overview. Every read is bounded however large the tables grow: it reads
/// an index range and stops after a cap, so a count past the cap says "more than" instead of costing a full scan.
/// </summary>
public interface IWorkflowStatistics
{
    /// <summary>Workflows in each status now, every status present, each read up to <paramref name="cap"/>.</summary>
    Task<IReadOnlyDictionary<WorkflowStatus, CappedCount>> CountByStatusAsync(int cap, CancellationToken cancellationToken);

    /// <summary>
    /// Workflows in <paramref name="status"/> whose last change was at or after <paramref name="changedSince"/> and
    /// strictly before <paramref name="changedBefore"/> (either bound may be left out), up to <paramref name="cap"/>.
    /// A finished workflow's last change is when it finished.
    /// </summary>
    Task<CappedCount> CountChangedAsync(
        IReadOnlyCollection<WorkflowStatus> status,
        DateTimeOffset? changedSince,
        DateTimeOffset? changedBefore,
        int cap,
        CancellationToken cancellationToken);

    /// <summary>
    /// COMPLETED workflows per minute of completion, from <paramref name="since"/> on, counting at most the latest
    /// <paramref name="cap"/>.
    /// </summary>
    Task<CompletionsPerMinute> WorkflowsCompletedPerMinuteAsync(DateTimeOffset since, int cap, CancellationToken cancellationToken);

    /// <summary>
    /// COMPLETED tasks per minute of completion, from <paramref name="since"/> on, among the tasks that became due at or
    /// after <paramref name="queuedSince"/> (the claim index's range: tasks are not indexed by completion time),
    /// counting at most the latest <paramref name="cap"/>.
    /// </summary>
    Task<CompletionsPerMinute> StepsCompletedPerMinuteAsync(
        DateTimeOffset since, DateTimeOffset queuedSince, int cap, CancellationToken cancellationToken);
}
