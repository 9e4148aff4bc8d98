using System.Text.Json;

namespace GoFlow.Adapters.Dashboard.Api;

// The shapes the page reads. Times are UTC DateTimes (ISO 8601 with a trailing Z); payloads are JSON text, which the
// page parses and shows as text, never as markup.

internal static class DashboardJson
{
    /// <summary>The dashboard's own JSON settings, so its shapes do not depend on another adapter's.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}

/// <summary>A count; when <paramref name="Capped"/>, there are more than <paramref name="Value"/>.</summary>
internal sealed record CountResponse(long Value, bool Capped);

internal sealed record MinuteResponse(DateTime Minute, long Count);

internal sealed record SeriesResponse(IReadOnlyList<MinuteResponse> Minutes, bool Capped);

internal sealed record RetentionResponse(bool Enabled, double MaxAgeSeconds);

internal sealed record OverviewResponse(
    DateTime At,
    IReadOnlyDictionary<string, CountResponse> CountsByStatus,
    SeriesResponse WorkflowsCompleted,
    SeriesResponse StepsCompleted,
    double StepsQueuedWithinSeconds,
    CountResponse FailedLastHour,
    RetentionResponse? Retention,
    CountResponse FinishedKept,
    CountResponse? FinishedDueForDeletion,
    IReadOnlyList<DefinitionResponse> Definitions);

internal sealed record DefinitionResponse(string Name, IReadOnlyList<string> Steps);

internal sealed record SummaryResponse(string Id, string WorkflowName, string Status, DateTime CreatedAt, DateTime UpdatedAt);

internal sealed record SummaryPageResponse(IReadOnlyList<SummaryResponse> Workflows, string? NextCursor);

internal sealed record TaskDetailResponse(
    long Id,
    int StepIndex,
    string TaskName,
    string Status,
    int Attempt,
    int MaxAttempts,
    DateTime ScheduledAt,
    string InputPayload,
    string? OutputPayload,
    string? Error,
    // The worker that ran the task, once the read model records it (the reliability issue adds TaskView.WorkerId).
    string? WorkerId,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    // The signal a WAITING task waits for (until its ScheduledAt), else null (ADR 0020).
    string? WaitingFor);

internal sealed record ActivityDetailResponse(long Id, long? TaskId, string Action, string? Details, DateTime CreatedAt);

internal sealed record WorkflowDetailResponse(
    string Id,
    string WorkflowName,
    string Status,
    string CurrentInput,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    bool Finished,
    bool CanCancel,
    bool CanRetry,
    IReadOnlyList<TaskDetailResponse> Tasks,
    IReadOnlyList<ActivityDetailResponse> Activity);
