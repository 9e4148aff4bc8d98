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

/// <summary>
/// A task; <paramref name="ScheduledAt"/> is when it may run while PENDING: a delayed start's or a retry's due time.
/// <paramref name="WaitingFor"/> is what a WAITING task waits for; null in every other status.
/// </summary>
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
    DateTime ScheduledAt,
    WaitingForResponse? WaitingFor = null);

/// <summary>What a WAITING task waits for: the signal's name, and when the step fails without it.</summary>
internal sealed record WaitingForResponse(string Signal, DateTime TimeoutAt);

/// <summary>A signal as stored (POST /workflows/{id}/signals/{name}); a resend under the same Idempotency-Key gets the same.</summary>
internal sealed record SignalResponse(string WorkflowId, string Name, DateTime ReceivedAt);

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

/// <summary>A definition: its task names in order (every step's, as before), and its steps with what each does.</summary>
internal sealed record WorkflowDefinitionResponse(string Name, IReadOnlyList<string> Tasks, IReadOnlyList<StepResponse> Steps);

/// <summary>
/// A step: <paramref name="Kind"/> is <c>task</c> (runs its handler), <c>wait</c> (waits as <paramref name="Wait"/>
/// says, ADR 0019) or <c>signal</c> (waits for <paramref name="Signal"/>, ADR 0020); the engine runs the last two itself.
/// </summary>
internal sealed record StepResponse(string Name, string Kind, WaitStepResponse? Wait, SignalStepResponse? Signal);

/// <summary>
/// What a wait step waits for: <paramref name="For"/> after the step before it (a TimeSpan: <c>00:10:00</c> is ten
/// minutes), or until the time in input field <paramref name="UntilField"/>.
/// </summary>
internal sealed record WaitStepResponse(string? For, string? UntilField);

/// <summary>The signal a step waits for, and for how long (a TimeSpan: <c>2.00:00:00</c> is two days).</summary>
internal sealed record SignalStepResponse(string Name, string Timeout);
