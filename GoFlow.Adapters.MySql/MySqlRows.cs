namespace GoFlow.Adapters.MySql;

// The shapes Dapper reads rows into, one per query in the *Sql classes; constructor parameters follow the selected columns in
// order. CHAR(36) ids arrive as Guid and DATETIME(6) as UTC DateTime (see MySqlConnectionSettings).

internal sealed record WorkflowRow(
    Guid Id, string WorkflowName, string Status, string CurrentInput, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A workflow read by its idempotency key, with the fingerprint of the request that stored it.</summary>
internal sealed record KeyedWorkflowRow(
    Guid Id,
    string WorkflowName,
    string Status,
    string CurrentInput,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string RequestFingerprint)
{
    public WorkflowRow Workflow => new(Id, WorkflowName, Status, CurrentInput, CreatedAt, UpdatedAt);
}

/// <summary>What an operator's change needs to know about a workflow: its name for the activity row, and its status.</summary>
internal sealed record WorkflowStateRow(string WorkflowName, string Status);

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
    DateTime UpdatedAt,
    string? WorkerId);

internal sealed record ActivityRow(
    long Id, Guid WorkflowInstanceId, long? TaskId, string Action, string? Details, DateTime CreatedAt);

internal sealed record ClaimCandidateRow(
    long Id,
    Guid WorkflowInstanceId,
    int StepIndex,
    string TaskName,
    string InputPayload,
    int Attempt,
    int MaxAttempts,
    DateTime ScheduledAt);

/// <summary>What a claim hands out of a claimed task's workflow.</summary>
internal sealed record ClaimedWorkflowRow(Guid Id, string WorkflowName, string? TraceParent);

/// <summary>The claim a task is held under now (while RUNNING), or the worker and attempt that ran it last.</summary>
internal sealed record HeldClaimRow(long Id, string Status, string? LeaseOwner, string? WorkerId, int Attempt);

/// <summary>An expired lease as the lease sweep's read without locks saw it: the claim it was held under, and its expiry.</summary>
internal sealed record ExpiredLeaseCandidateRow(long Id, string? LeaseOwner, int Attempt, DateTime LeaseExpiresAt);

internal sealed record ExpiredLeaseRow(long Id, Guid WorkflowInstanceId, string TaskName, int Attempt, int MaxAttempts)
{
    public bool HasAttemptsLeft => GoFlow.Domain.Transitions.TaskTransitions.HasAttemptsLeft(Attempt, MaxAttempts);
}

internal sealed record WorkflowNameRow(Guid Id, string WorkflowName);

internal sealed record SignalRow(
    Guid WorkflowInstanceId, string Name, string Payload, string? IdempotencyKey, string? RequestFingerprint, DateTime ReceivedAt);

internal sealed record TimedOutTaskRow(long Id, Guid WorkflowInstanceId, string TaskName, int Attempt);
