namespace GoFlow.Application.Schedules;

/// <summary>What became of a schedule's fire, as the <c>goflow.schedule.fires</c> counter tags it.</summary>
internal static class ScheduleFireOutcome
{
    public const string Started = "started";
    public const string StartedElsewhere = "started_elsewhere";
    public const string SkippedPaused = "skipped_paused";
    public const string SkippedMissed = "skipped_missed";
    public const string SkippedOverlap = "skipped_overlap";
}
