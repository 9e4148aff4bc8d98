using GoFlow.Domain;

namespace GoFlow.Ports.ReadModels;

/// <summary>
/// A count read with a cap, so that it stays cheap however large the table grows: when <paramref name="Capped"/> is
/// true there are more than <paramref name="Value"/> rows (the count stopped there), otherwise exactly
/// <paramref name="Value"/>.
/// </summary>
public sealed record CappedCount(long Value, bool Capped)
{
    /// <summary>A count of at most <paramref name="cap"/>, read as up to <paramref name="cap"/> + 1 rows.</summary>
    public static CappedCount FromProbe(long rowsRead, long cap) =>
        rowsRead > cap ? new CappedCount(cap, Capped: true) : new CappedCount(rowsRead, Capped: false);

    public static CappedCount operator +(CappedCount left, CappedCount right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new CappedCount(left.Value + right.Value, left.Capped || right.Capped);
    }
}

/// <summary>How many things happened in the minute starting at <paramref name="Minute"/> (UTC, seconds zero).</summary>
public sealed record MinuteCount(DateTimeOffset Minute, long Count);

/// <summary>
/// Completions per minute, oldest minute first, minutes without any left out. <paramref name="Capped"/> is true when
/// only the latest completions were counted (the cap was reached), so the earliest minutes show too few.
/// </summary>
public sealed record CompletionsPerMinute(IReadOnlyList<MinuteCount> Minutes, bool Capped);

/// <summary>
/// How long finished workflows are kept, as the retention sweep is configured; <paramref name="Enabled"/> false keeps
/// them for ever.
/// </summary>
public sealed record RetentionSetting(bool Enabled, TimeSpan MaxAge);

/// <summary>A workflow as a list shows it: no payload, so that a list never reads the payload columns.</summary>
public sealed record WorkflowSummary(
    WorkflowId Id,
    string WorkflowName,
    WorkflowStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One page of workflow summaries, newest first, and where the next page starts (null after the last).</summary>
public sealed record WorkflowSummaryPage(IReadOnlyList<WorkflowSummary> Workflows, WorkflowListPosition? Next);

/// <summary>
/// The state of the engine at <paramref name="At"/>, as an operator's overview shows it.
/// </summary>
/// <param name="CountsByStatus">Workflows in each status now, every status present, each capped.</param>
/// <param name="WorkflowsCompleted">Workflows that completed in each minute of the last hour.</param>
/// <param name="StepsCompleted">
/// Steps (tasks) that completed in each minute of the last hour, among those queued within
/// <see cref="StepsQueuedWithin"/> before the hour began: a step that waited longer is not counted.
/// </param>
/// <param name="StepsQueuedWithin">How long before the hour a counted step may have been queued.</param>
/// <param name="FailedLastHour">Workflows that failed in the last hour (their status is FAILED now).</param>
/// <param name="Retention">The retention setting, or null when this host runs no retention sweep and so cannot tell.</param>
/// <param name="FinishedKept">Finished workflows (COMPLETED, FAILED, CANCELLED) the store keeps now.</param>
/// <param name="FinishedDueForDeletion">
/// Finished workflows older than the retention age, which the next sweeps delete; null when retention is off or unknown.
/// </param>
public sealed record WorkflowOverview(
    DateTimeOffset At,
    IReadOnlyDictionary<WorkflowStatus, CappedCount> CountsByStatus,
    CompletionsPerMinute WorkflowsCompleted,
    CompletionsPerMinute StepsCompleted,
    TimeSpan StepsQueuedWithin,
    CappedCount FailedLastHour,
    RetentionSetting? Retention,
    CappedCount FinishedKept,
    CappedCount? FinishedDueForDeletion);
