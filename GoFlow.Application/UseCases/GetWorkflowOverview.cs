using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Application.UseCases;

/// <summary>
/// The overview's reads, each bounded: counts stop at <see cref="CountCap"/> and the throughput series at
/// <see cref="ThroughputCap"/> completions, so the overview costs the same on a million workflows as on a thousand.
/// </summary>
internal sealed class GetWorkflowOverview(
    IWorkflowStatistics statistics,
    IRetentionPolicy retention,
    TimeProvider clock) : IGetWorkflowOverview
{
    /// <summary>The most rows one count reads; a larger count shows as "more than".</summary>
    public const int CountCap = 10_000;

    /// <summary>
    /// The most completions one throughput series reads: about 5.5 a second over the whole hour. Busier engines see the
    /// latest minutes exactly and the series marked capped; reading more costs about 2 µs a row (more for steps, whose
    /// index does not hold the completion time), which the overview's budget of well under 200 ms does not allow.
    /// </summary>
    public const int ThroughputCap = 20_000;

    /// <summary>The window of throughput and recent failures.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>
    /// How long before the window a counted step may have been queued: tasks are indexed by when they became due, not
    /// by when they completed, so the step series reads the due times from this far back.
    /// </summary>
    public static readonly TimeSpan StepsQueuedWithin = TimeSpan.FromHours(1);

    private static readonly WorkflowStatus[] FinishedStatuses =
        [.. Enum.GetValues<WorkflowStatus>().Where(WorkflowTransitions.IsFinished)];

    public async Task<WorkflowOverview> GetAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var since = now - Window;

        var counts = await statistics.CountByStatusAsync(CountCap, cancellationToken);
        var workflows = await statistics.WorkflowsCompletedPerMinuteAsync(since, ThroughputCap, cancellationToken);
        var steps = await statistics.StepsCompletedPerMinuteAsync(
            since, since - StepsQueuedWithin, ThroughputCap, cancellationToken);
        var failed = await statistics.CountChangedAsync(
            [WorkflowStatus.Failed], changedSince: since, changedBefore: null, CountCap, cancellationToken);

        var finishedKept = FinishedStatuses
            .Select(status => counts[status])
            .Aggregate(new CappedCount(0, Capped: false), (sum, count) => sum + count);

        var setting = retention.Setting;
        CappedCount? dueForDeletion = setting is { Enabled: true }
            ? await statistics.CountChangedAsync(
                FinishedStatuses, changedSince: null, changedBefore: now - setting.MaxAge, CountCap, cancellationToken)
            : null;

        return new WorkflowOverview(
            now, counts, workflows, steps, StepsQueuedWithin, failed, setting, finishedKept, dueForDeletion);
    }
}
