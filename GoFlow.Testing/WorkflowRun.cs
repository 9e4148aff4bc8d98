using System.Text.Json.Nodes;
using GoFlow.Domain;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Testing;

/// <summary>A workflow as the store holds it, read back after a run: its status, each task and the activity log.</summary>
/// <param name="CurrentInput">The workflow's current data: the last completed step's output once it has completed.</param>
/// <param name="Tasks">The tasks in execution order.</param>
/// <param name="Activity">The activity log, oldest first.</param>
public sealed record WorkflowRun(
    WorkflowId Id,
    string WorkflowName,
    WorkflowStatus Status,
    JsonObject CurrentInput,
    IReadOnlyList<TaskRun> Tasks,
    IReadOnlyList<ActivityLogEntry> Activity)
{
    /// <summary>The activity log's actions in order (<c>WORKFLOW_CREATED</c>, <c>TASK_STARTED</c>, ...).</summary>
    public IReadOnlyList<string> Actions => [.. Activity.Select(entry => entry.Action)];

    /// <summary>The task named <paramref name="taskName"/>.</summary>
    /// <exception cref="InvalidOperationException">The workflow has no such task (yet), or more than one.</exception>
    public TaskRun Task(string taskName) =>
        Tasks.SingleOrDefault(task => task.TaskName == taskName)
        ?? throw new InvalidOperationException(
            $"Workflow {WorkflowName} ({Id}) has no task named '{taskName}'; its tasks: " +
            $"{string.Join(", ", Tasks.Select(task => task.TaskName))}.");

    /// <summary>The run as the driving ports read it back, with its payloads parsed.</summary>
    internal static WorkflowRun From(WorkflowDetails details, IReadOnlyList<ActivityLogEntry> activity) => new(
        details.Workflow.Id,
        details.Workflow.WorkflowName,
        details.Workflow.Status,
        ParseObject(details.Workflow.CurrentInput),
        [.. details.Tasks.Select(task => new TaskRun(
            task.Id,
            task.TaskName,
            task.Status,
            task.Attempt,
            task.MaxAttempts,
            ParseObject(task.InputPayload),
            task.OutputPayload is null ? null : ParseObject(task.OutputPayload),
            task.Error,
            task.ScheduledAt))],
        activity);

    private static JsonObject ParseObject(string json) => JsonNode.Parse(json)?.AsObject() ?? [];
}

/// <summary>One task of a <see cref="WorkflowRun"/>.</summary>
/// <param name="Attempts">The attempts made so far, the first included.</param>
/// <param name="Output">What the handler returned, once the task has completed.</param>
/// <param name="Error">The last failed attempt's error (an exception's message, or the timeout).</param>
/// <param name="ScheduledAt">
/// When a PENDING task may run (a retry's due time, a wait's end), or when a WAITING one's signal times out, on the
/// test host's clock.
/// </param>
public sealed record TaskRun(
    TaskId Id,
    string TaskName,
    WorkflowTaskStatus Status,
    int Attempts,
    int MaxAttempts,
    JsonObject Input,
    JsonObject? Output,
    string? Error,
    DateTimeOffset ScheduledAt);
