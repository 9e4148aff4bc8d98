namespace GoFlow.Adapters.MySql;

// The shapes Dapper reads rows into, one per query in MySqlSql; constructor parameters follow the selected columns in
// order. CHAR(36) ids arrive as Guid and DATETIME(6) as UTC DateTime (see MySqlConnectionSettings).

internal sealed record WorkflowRow(
    Guid Id, string WorkflowName, string Status, string CurrentInput, DateTime CreatedAt, DateTime UpdatedAt);

internal sealed record TaskRow(
    long Id,
    int StepIndex,
    string TaskName,
    string Status,
    int Attempt,
    int MaxAttempts,
    DateTime ScheduledAt,
    string InputPayload,
    string? OutputPayload,
    string? ErrorMessage,
    DateTime CreatedAt,
    DateTime UpdatedAt);

internal sealed record ActivityRow(
    long Id, Guid WorkflowInstanceId, long? TaskId, string Action, string? Details, DateTime CreatedAt);

internal sealed record ClaimCandidateRow(long Id, Guid WorkflowInstanceId);

internal sealed record ClaimedTaskRow(
    long Id,
    Guid WorkflowInstanceId,
    string WorkflowName,
    int StepIndex,
    string TaskName,
    string InputPayload,
    int Attempt,
    int MaxAttempts,
    string LeaseOwner,
    DateTime LeaseExpiresAt);

internal sealed record ExpiredLeaseRow(long Id, Guid WorkflowInstanceId, string TaskName, int Attempt, int MaxAttempts)
{
    public bool HasAttemptsLeft => Attempt < MaxAttempts;
}

internal sealed record WorkflowNameRow(Guid Id, string WorkflowName);
