using GoFlow.Domain;

namespace GoFlow.Ports.ReadModels;

/// <summary>What a schedule does when a fire comes while the workflow of its previous fire has not finished.</summary>
public enum ScheduleOverlap
{
    /// <summary>The fire is skipped: one run at a time.</summary>
    Skip,

    /// <summary>The fire starts another workflow beside the unfinished one.</summary>
    Allow,
}

/// <summary>What a schedule does with the fires it missed while no host ran (downtime) or while it was late.</summary>
public enum ScheduleCatchUp
{
    /// <summary>Missed fires are dropped; the schedule goes on from its next fire.</summary>
    None,

    /// <summary>One workflow is started for all the missed fires together, as the latest of them.</summary>
    One,
}

/// <summary>
/// A schedule as GET /schedules shows it: its definition, whether it is paused, its next fire (null when paused or
/// when its expression never fires again), and its latest fire with the workflow that fire started.
/// </summary>
public sealed record ScheduleView(
    string Name,
    string WorkflowName,
    string Cron,
    string TimeZone,
    ScheduleOverlap Overlap,
    ScheduleCatchUp CatchUp,
    bool Paused,
    DateTimeOffset? NextFireAt,
    DateTimeOffset? LastFireAt,
    WorkflowId? LastWorkflowId);
