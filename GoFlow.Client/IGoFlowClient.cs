using System.Text.Json.Nodes;

namespace GoFlow.Client;

/// <summary>
/// GoFlow's REST API as .NET calls. A problem answer throws a <see cref="GoFlowProblemException"/> (or one of its
/// subclasses); reads and starts are retried on transient failures, cancel and retry never.
/// </summary>
public interface IGoFlowClient
{
    /// <summary>
    /// Starts <paramref name="workflowName"/> on <paramref name="input"/> ({} when null). The call carries
    /// <paramref name="idempotencyKey"/>, or a new one when null, so that repeating it (as the client does on a
    /// transient failure) starts the workflow once. The answer is the workflow as started, without its tasks (the
    /// API's start answer holds none); <see cref="GetAsync"/> reads them.
    /// </summary>
    Task<GoFlowWorkflowSummary> StartAsync(
        string workflowName, JsonObject? input = null, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts <paramref name="workflowName"/> as <see cref="StartAsync"/> does, but its first task runs no earlier than
    /// <paramref name="startAt"/> (a time already past means now); the workflow is stored, and can be read or
    /// cancelled, at once.
    /// </summary>
    Task<GoFlowWorkflowSummary> StartLaterAsync(
        string workflowName,
        DateTimeOffset startAt,
        JsonObject? input = null,
        string? idempotencyKey = null,
        CancellationToken cancellationToken = default);

    Task<GoFlowWorkflow> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The workflow's activity log, oldest first.</summary>
    Task<IReadOnlyList<GoFlowActivity>> GetActivityAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The workflows <paramref name="query"/> selects, newest first, read a page at a time as they are enumerated.</summary>
    IAsyncEnumerable<GoFlowWorkflowSummary> ListAsync(GoFlowListQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Delivers signal <paramref name="name"/> with <paramref name="payload"/> ({} when null) to workflow
    /// <paramref name="id"/>, for the step that waits for it. The call carries <paramref name="idempotencyKey"/>, or a
    /// new one when null, so that repeating it delivers the signal once. No such workflow, or no step waiting for that
    /// name, throws <see cref="GoFlowNotFoundException"/>; a finished workflow, or one that received the signal already,
    /// <see cref="GoFlowConflictException"/>.
    /// </summary>
    Task<GoFlowSignal> SignalAsync(
        string id, string name, JsonObject? payload = null, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels a PENDING or RUNNING workflow; a finished one throws <see cref="GoFlowConflictException"/>.</summary>
    Task<GoFlowWorkflow> CancelAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Retries a FAILED or CANCELLED workflow from the step that stopped; any other status throws <see cref="GoFlowConflictException"/>.</summary>
    Task<GoFlowWorkflow> RetryAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The workflows the server knows, by name, each with its task names in order.</summary>
    Task<IReadOnlyList<GoFlowWorkflowDefinition>> GetDefinitionsAsync(CancellationToken cancellationToken = default);

    /// <summary>The schedules the server runs, by name, each with its next fire time.</summary>
    Task<IReadOnlyList<GoFlowSchedule>> GetSchedulesAsync(CancellationToken cancellationToken = default);

    /// <summary>Pauses a schedule; an unknown name throws <see cref="GoFlowNotFoundException"/>.</summary>
    Task<GoFlowSchedule> PauseScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused schedule from its next fire; an unknown name throws <see cref="GoFlowNotFoundException"/>.</summary>
    Task<GoFlowSchedule> ResumeScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts the schedule's workflow now, paused or not; never retried, since each call starts a workflow. An unknown
    /// name throws <see cref="GoFlowNotFoundException"/>.
    /// </summary>
    Task<GoFlowWorkflowSummary> TriggerScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the workflow until it is COMPLETED, FAILED or CANCELLED, waiting longer between reads each time (up to
    /// two seconds), and returns it; throws <see cref="TimeoutException"/> when <paramref name="timeout"/> passes first.
    /// </summary>
    Task<GoFlowWorkflow> WaitUntilFinishedAsync(string id, TimeSpan timeout, CancellationToken cancellationToken = default);
}
