using GoFlow.Domain;

namespace GoFlow.Ports.ReadModels;

/// <summary>A workflow instance as a read shows it. Payloads are JSON object text.</summary>
public sealed record WorkflowView(
    WorkflowId Id,
    string WorkflowName,
    WorkflowStatus Status,
    string CurrentInput,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// A task as a read shows it. Payloads are JSON object text. <paramref name="Error"/> is the last attempt's error;
/// <paramref name="ScheduledAt"/> is when a PENDING task may run (a retry's due time). <paramref name="WorkerId"/> is the
/// worker that ran (or runs) its latest attempt, kept after the task finished; null before its first claim.
/// <paramref name="WaitingForSignal"/> names the signal a WAITING task waits for (its timeout is its
/// <paramref name="ScheduledAt"/>), as its step's definition says; the stores leave it null.
/// </summary>
public sealed record TaskView(
    TaskId Id,
    int StepIndex,
    string TaskName,
    WorkflowTaskStatus Status,
    int Attempt,
    int MaxAttempts,
    DateTimeOffset ScheduledAt,
    string InputPayload,
    string? OutputPayload,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? WorkerId = null,
    string? WaitingForSignal = null);

/// <summary>A workflow with its tasks in execution order.</summary>
public sealed record WorkflowDetails(WorkflowView Workflow, IReadOnlyList<TaskView> Tasks);
