using GoFlow.Adapters.Http.Json;

namespace GoFlow.Adapters.Http.Contracts;

// The answers' shapes. Property names become snake_case through the adapter's JSON options (AddGoFlowHttp);
// times are UTC DateTimes so that they serialise as ISO 8601 with a trailing Z.

internal sealed record DataResponse<T>(T Data)
    where T : notnull;

internal sealed record MessageResponse<T>(string Message, T Data)
    where T : notnull;

/// <summary>A page of GET /workflows; <paramref name="NextCursor"/> is null after the last page.</summary>
internal sealed record WorkflowListResponse(IReadOnlyList<WorkflowResponse> Data, string? NextCursor);

internal sealed record WorkflowResponse(
    string Id,
    string WorkflowName,
    string Status,
    RawJson CurrentInput,
    DateTime CreatedAt,
    DateTime UpdatedAt);

internal sealed record WorkflowWithTasksResponse(
    string Id,
    string WorkflowName,
    string Status,
    RawJson CurrentInput,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    IReadOnlyList<TaskResponse> Tasks);

/// <summary>A task; <paramref name="ScheduledAt"/> is when it may run while PENDING: a delayed start's or a retry's due time.</summary>
internal sealed record TaskResponse(
    long Id,
    string TaskName,
    string Status,
    int Attempt,
    RawJson InputPayload,
    RawJson? OutputPayload,
    string? Error,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? WorkerId,
    DateTime ScheduledAt);

internal sealed record ActivityResponse(
    long Id,
    long? TaskId,
    string Action,
    RawJson? Details,
    DateTime CreatedAt);

/// <summary>
/// A schedule (GET /schedules): <paramref name="NextFireAt"/> is null while it is paused or when its expression never
/// fires again; <paramref name="LastFireAt"/> is its latest fire handled (started or skipped), and
/// <paramref name="LastWorkflowId"/> the workflow its latest started fire made.
/// </summary>
internal sealed record ScheduleResponse(
    string Name,
    string WorkflowName,
    string Cron,
    string TimeZone,
    string Overlap,
    string CatchUp,
    bool Paused,
    DateTime? NextFireAt,
    DateTime? LastFireAt,
    string? LastWorkflowId);

/// <summary>
/// A workflow that can be started: its step names in the order they run (<paramref name="Tasks"/>), and which of them
/// are wait steps, run by the engine with no handler (<paramref name="Waits"/>, ADR 0019).
/// </summary>
internal sealed record WorkflowDefinitionResponse(string Name, IReadOnlyList<string> Tasks, IReadOnlyList<WaitStepResponse> Waits);

/// <summary>A wait step: it waits <paramref name="For"/> after the step before it, or until the time in input field <paramref name="UntilField"/>.</summary>
internal sealed record WaitStepResponse(string Step, TimeSpan? For, string? UntilField);
