namespace GoFlow.Adapters.Sqlite;

// The shapes Dapper reads rows into, one per query in the *Sql classes; constructor parameters follow the selected columns in
// order. Their types are SQLite's own, because Dapper picks a constructor only when the types match exactly: INTEGER
// arrives as long (narrowed where the row is mapped), and workflow ids and times as the TEXT they are stored as,
// parsed in one place each (SqliteIds, SqliteTime).

internal sealed record WorkflowRow(
    string Id, string WorkflowName, string Status, string CurrentInput, string CreatedAt, string UpdatedAt);

/// <summary>A workflow read by its idempotency key, with the fingerprint of the request that stored it.</summary>
internal sealed record KeyedWorkflowRow(
    string Id,
    string WorkflowName,
    string Status,
    string CurrentInput,
    string CreatedAt,
    string UpdatedAt,
    string RequestFingerprint)
{
    public WorkflowRow Workflow => new(Id, WorkflowName, Status, CurrentInput, CreatedAt, UpdatedAt);
}

/// <summary>What an operator's change needs to know about a workflow: its name for the activity row, and its status.</summary>
internal sealed record WorkflowStateRow(string WorkflowName, string Status);

internal sealed record TaskRow(
    long Id,
    long StepIndex,
    string TaskName,
    string Status,
    long Attempt,
    long MaxAttempts,
    string ScheduledAt,
    string InputPayload,
    string? OutputPayload,
    string? ErrorMessage,
    string CreatedAt,
    string UpdatedAt,
    string? WorkerId);

internal sealed record ActivityRow(
    long Id, string WorkflowInstanceId, long? TaskId, string Action, string? Details, string CreatedAt);

internal sealed record ExpiredLeaseRow(
    long Id, string WorkflowInstanceId, string WorkflowName, string TaskName, long Attempt, long MaxAttempts);

internal sealed record SignalRow(
    string WorkflowInstanceId, string Name, string Payload, string? IdempotencyKey, string? RequestFingerprint, string ReceivedAt);

internal sealed record TimedOutTaskRow(long Id, string WorkflowInstanceId, string WorkflowName, string TaskName, long Attempt);
