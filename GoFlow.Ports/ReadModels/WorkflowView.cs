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

/// <summary>A task as a read shows it. Payloads are JSON object text.</summary>
public sealed record TaskView(
    TaskId Id,
    int StepIndex,
    string TaskName,
    WorkflowTaskStatus Status,
    int Attempt,
    string InputPayload,
    string? OutputPayload,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A workflow with its tasks in execution order.</summary>
public sealed record WorkflowDetails(WorkflowView Workflow, IReadOnlyList<TaskView> Tasks);
