namespace GoFlow.Domain;

/// <summary>One row of a workflow's activity log: what happened, to which task, when.</summary>
/// <param name="Details">A small JSON object, or null.</param>
public sealed record ActivityLogEntry(
    long Id,
    WorkflowId WorkflowId,
    TaskId? TaskId,
    string Action,
    string? Details,
    DateTimeOffset CreatedAt);
