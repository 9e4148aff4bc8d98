using System.Text.Json.Nodes;

namespace GoFlow.Client;

/// <summary>The statuses GoFlow writes, upper case as in the API.</summary>
public static class GoFlowStatus
{
    public const string Pending = "PENDING";
    public const string Running = "RUNNING";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
    public const string Cancelled = "CANCELLED";

    /// <summary>True for the statuses a workflow stays in unless someone retries it: COMPLETED, FAILED, CANCELLED.</summary>
    public static bool IsFinished(string status) => status is Completed or Failed or Cancelled;
}

/// <summary>A workflow with its tasks in execution order (GET /workflows/{id}).</summary>
public sealed record GoFlowWorkflow(
    string Id,
    string WorkflowName,
    string Status,
    JsonObject CurrentInput,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    IReadOnlyList<GoFlowTask> Tasks);

/// <summary>
/// One task of a workflow; <paramref name="WorkerId"/> names the worker that last claimed it (null before any did);
/// <paramref name="ScheduledAt"/> is when it may run while PENDING (a delayed start's or a retry's due time).
/// </summary>
public sealed record GoFlowTask(
    long Id,
    string TaskName,
    string Status,
    int Attempt,
    JsonObject InputPayload,
    JsonObject? OutputPayload,
    string? Error,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? WorkerId,
    DateTime ScheduledAt,
    GoFlowWaitingFor? WaitingFor = null);

/// <summary>What a WAITING task waits for: a signal's name, and when its step fails without it.</summary>
public sealed record GoFlowWaitingFor(string Signal, DateTime TimeoutAt);

/// <summary>A signal as GoFlow stored it (POST /workflows/{id}/signals/{name}).</summary>
public sealed record GoFlowSignal(string WorkflowId, string Name, DateTime ReceivedAt);

/// <summary>A workflow as a list shows it, without its tasks (GET /workflows).</summary>
public sealed record GoFlowWorkflowSummary(
    string Id,
    string WorkflowName,
    string Status,
    JsonObject CurrentInput,
    DateTime CreatedAt,
    DateTime UpdatedAt);

/// <summary>One row of a workflow's activity log (GET /workflows/{id}/activity).</summary>
public sealed record GoFlowActivity(long Id, long? TaskId, string Action, JsonNode? Details, DateTime CreatedAt);

/// <summary>
/// Which workflows <see cref="IGoFlowClient.ListAsync"/> reads; each value left null does not filter.
/// <paramref name="PageSize"/> is the <c>limit</c> of each page request, null for the server's default.
/// </summary>
public sealed record GoFlowListQuery(
    string? Status = null,
    string? WorkflowName = null,
    DateTimeOffset? CreatedAfter = null,
    DateTimeOffset? CreatedBefore = null,
    int? PageSize = null);

/// <summary>
/// A schedule (GET /schedules): <paramref name="Overlap"/> is Skip or Allow, <paramref name="CatchUp"/> None or One;
/// <paramref name="NextFireAt"/> is null while it is paused; <paramref name="LastWorkflowId"/> is the workflow its
/// latest started fire made.
/// </summary>
public sealed record GoFlowSchedule(
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

/// <summary>A workflow the server knows: its name, its task names in the order they run, and what each step does.</summary>
public sealed record GoFlowWorkflowDefinition(string Name, IReadOnlyList<string> Tasks, IReadOnlyList<GoFlowStep>? Steps = null);

/// <summary>
/// A step of a definition: <paramref name="Kind"/> is <c>task</c>, <c>wait</c> (it waits as <paramref name="Wait"/>
/// says) or <c>signal</c> (it waits for <paramref name="Signal"/>).
/// </summary>
public sealed record GoFlowStep(string Name, string Kind, GoFlowStepWait? Wait = null, GoFlowStepSignal? Signal = null);

/// <summary>
/// What a wait step waits for: <paramref name="For"/> after the step before it (a TimeSpan in its invariant form,
/// <c>00:10:00</c>), or until the time in input field <paramref name="UntilField"/>.
/// </summary>
public sealed record GoFlowStepWait(string? For, string? UntilField);

/// <summary>The signal a step waits for, and for how long (a TimeSpan in its invariant form, <c>2.00:00:00</c>).</summary>
public sealed record GoFlowStepSignal(string Name, string Timeout);
