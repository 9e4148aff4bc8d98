using GoFlow.Adapters.Sql;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// The SQL of <see cref="SqliteTaskQueue"/>: claims, completions and hand-overs, failures, releases, lease renewals and
/// the lease sweep, each a transition of the domain's table (GoFlow.Domain.Transitions) guarded by the statuses it
/// starts from (<see cref="StatusSql"/>); and the activity rows they append. Columns are aliased to the names of the row
/// records Dapper fills (SqliteRows.cs); the claim's statements, read by hand, state their columns' order instead. Times
/// are TEXT in <see cref="SqliteTime"/>'s sortable form, so comparing them as text compares the instants.
/// </summary>
/// <remarks>
/// Every transaction that writes takes the file's lock first (see <see cref="SqliteDatabase"/>), so it holds the one
/// write lock of the file from its first statement: the guards below cannot be raced, and a guard that matches no row
/// means the caller's claim is gone, and no two transactions ever wait on each other, so none can deadlock. The
/// statements still follow the MySQL adapter's lock order (ADR 0012: tasks, then workflow_instances, then
/// activity_logs; a workflow updated before a task is inserted under it), so both adapters read the same way.
/// </remarks>
internal static class SqliteTaskQueueSql
{
    /// <summary>
    /// Inserts a completed step's next task (its id is the rowid, <see cref="CompiledStatement.ExecuteInsert"/>): PENDING, due at @ScheduledAt (now, or a wait's end), or
    /// RUNNING when it is handed over to the lease owner of the step before it (@Status, @Attempt 1, @LeaseOwner and
    /// @LeaseExpiresAt set).
    /// </summary>
    public const string InsertNextTask = """
        INSERT INTO tasks
            (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload, lease_owner,
             lease_expires_at, worker_id, scheduled_at, created_at, updated_at)
        VALUES
            (@WorkflowId, @StepIndex, @TaskName, @Status, @Attempt, @MaxAttempts, @InputPayload, @LeaseOwner,
             @LeaseExpiresAt, @LeaseOwner, @ScheduledAt, @Now, @Now)
        """;

    /// <summary>
    /// The due PENDING tasks, oldest first, with what their claim answers: the task's id, workflow, step_index,
    /// task_name, input_payload, attempt, max_attempts and scheduled_at, and its workflow's name and trace context (the
    /// columns in the order the claim reads them). SQLite has no SKIP LOCKED and needs none: the claim holds the file's write lock (BEGIN
    /// IMMEDIATE) before this read, so no other claimer can be between this read and the updates that follow. Served by
    /// idx_tasks_claim, the workflow found by its primary key.
    /// </summary>
    public static readonly string SelectClaimCandidates = $"""
        SELECT t.id, t.workflow_instance_id, t.step_index, t.task_name, t.input_payload, t.attempt, t.max_attempts,
               t.scheduled_at, w.workflow_name, w.trace_parent
        FROM tasks t
        JOIN workflow_instances w ON w.id = t.workflow_instance_id
        WHERE t.{StatusSql.From(TaskTransitions.Claim)} AND t.scheduled_at <= @Now
        ORDER BY t.scheduled_at, t.id
        LIMIT @MaxTasks
        """;

    /// <summary>
    /// Claims one task read by <see cref="SelectClaimCandidates"/> (0 rows when it is no longer PENDING). No RETURNING:
    /// what it sets is the read attempt counted as <see cref="TaskTransition.AttemptAfter"/> counts it and the values
    /// bound, which the claim answers without reading them back (SQLite runs a RETURNING clause through a temporary
    /// table, ADR 0022).
    /// </summary>
    public static readonly string MarkTaskRunning = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Claim)}, attempt = attempt + 1, lease_owner = @Owner, lease_expires_at = @LeaseExpiresAt,
            worker_id = @Owner, updated_at = @Now
        WHERE id = @TaskId AND {StatusSql.From(TaskTransitions.Claim)}
        """;

    /// <summary>A workflow becomes RUNNING when its first task is claimed; later steps find it RUNNING already.</summary>
    public static readonly string StartWorkflow = $"""
        UPDATE workflow_instances
        SET status = {StatusSql.To(WorkflowTransitions.Start)}, updated_at = @Now
        WHERE id = @WorkflowId AND {StatusSql.From(WorkflowTransitions.Start)}
        """;

    // Every write that answers a claim (complete, fail, retry, renew, release) is guarded by the claim: the status it
    // requires, the lease owner and the attempt. 0 rows means the caller no longer holds the claim (its lease expired
    // and the task was taken back, or another attempt has it now), and the transaction changes nothing.
    private static readonly string HeldByClaim =
        $"id = @TaskId AND {StatusSql.From(TaskTransitions.Complete)} AND lease_owner = @Owner AND attempt = @Attempt";

    public static readonly string CompleteTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Complete)}, output_payload = @OutputPayload, lease_owner = NULL, lease_expires_at = NULL,
            updated_at = @Now
        WHERE {HeldByClaim}
        """;

    /// <summary>
    /// Whether an earlier commit of this very claim completed the task (1 or 0): COMPLETED by the same worker on the same
    /// attempt, so that its caller is hearing again about its own commit, whose acknowledgement was lost.
    /// </summary>
    public static readonly string CountCompletedByClaim = $"""
        SELECT COUNT(*) FROM tasks
        WHERE id = @TaskId AND status = {StatusSql.To(TaskTransitions.Complete)} AND worker_id = @Owner AND attempt = @Attempt
        """;

    /// <summary>
    /// The next step's task that an earlier commit handed over to @Owner, when the owner still holds it (RUNNING, its
    /// first attempt): its lease renewed to @LeaseExpiresAt and its id returned; no row when it is no longer held.
    /// </summary>
    public static readonly string RenewHandedOverTask = $"""
        UPDATE tasks
        SET lease_expires_at = @LeaseExpiresAt, updated_at = @Now
        WHERE workflow_instance_id = @WorkflowId AND step_index = @StepIndex AND {StatusSql.From(TaskTransitions.RenewLease)} AND lease_owner = @Owner
              AND attempt = 1
        RETURNING id
        """;

    public static readonly string FailTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Fail)}, error_message = @Error, lease_owner = NULL, lease_expires_at = NULL, updated_at = @Now
        WHERE {HeldByClaim}
        """;

    /// <summary>A failed attempt with attempts left: PENDING again, due at @RetryAt, the error kept as the last one.</summary>
    public static readonly string ScheduleRetry = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.ScheduleRetry)}, error_message = @Error, scheduled_at = @RetryAt, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE {HeldByClaim}
        """;

    public static readonly string RenewLease = $"""
        UPDATE tasks
        SET lease_expires_at = @LeaseExpiresAt, updated_at = @Now
        WHERE {HeldByClaim}
        """;

    /// <summary>Handed back unfinished: PENDING, due now, and the attempt it was claimed with no longer counts.</summary>
    public static readonly string ReleaseTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Release)}, attempt = attempt - 1, scheduled_at = @Now, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE {HeldByClaim}
        """;

    /// <summary>Snoozed: PENDING, due at @Until, and the attempt it was claimed with no longer counts (ADR 0019).</summary>
    public static readonly string SnoozeTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Snooze)}, attempt = attempt - 1, scheduled_at = @Until, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE {HeldByClaim}
        """;

    /// <summary>
    /// RUNNING tasks whose lease ended before @Now, the earliest expiry first. Read through idx_tasks_claim: the RUNNING
    /// tasks are at most the hosts' concurrency, and no index of their own is written at every step (ADR 0029).
    /// </summary>
    public static readonly string SelectExpiredLeases = $"""
        SELECT t.id AS Id, t.workflow_instance_id AS WorkflowInstanceId, w.workflow_name AS WorkflowName,
               t.task_name AS TaskName, t.attempt AS Attempt, t.max_attempts AS MaxAttempts
        FROM tasks t
        JOIN workflow_instances w ON w.id = t.workflow_instance_id
        WHERE t.{StatusSql.From(TaskTransitions.ExpireLease)} AND t.lease_expires_at < @Now
        ORDER BY t.lease_expires_at, t.id
        LIMIT @MaxTasks
        """;

    // Taking back an expired lease is guarded by the lease having expired and by the attempt read just before; which of
    // the two applies is decided by the attempts left, as WorkflowTask.ExpireLease does.
    private static readonly string LeaseExpired =
        $"id = @TaskId AND {StatusSql.From(TaskTransitions.ExpireLease)} AND attempt = @Attempt AND lease_expires_at < @Now";

    public static readonly string ExpireLeaseForRetry = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.ExpireLease)}, error_message = @Error, scheduled_at = @Now, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE {LeaseExpired} AND attempt < max_attempts
        """;

    public static readonly string ExpireLeaseForGood = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.ExpireLastLease)}, error_message = @Error, lease_owner = NULL, lease_expires_at = NULL, updated_at = @Now
        WHERE {LeaseExpired} AND attempt >= max_attempts
        """;

    public static readonly string AdvanceWorkflow = $"""
        UPDATE workflow_instances
        SET current_input = @CurrentInput, updated_at = @Now
        WHERE id = @WorkflowId AND {StatusSql.From(WorkflowTransitions.Advance)}
        """;

    public static readonly string CompleteWorkflow = $"""
        UPDATE workflow_instances
        SET status = {StatusSql.To(WorkflowTransitions.Complete)}, current_input = @CurrentInput, updated_at = @Now
        WHERE id = @WorkflowId AND {StatusSql.From(WorkflowTransitions.Complete)}
        """;

    public static readonly string FailWorkflow = $"""
        UPDATE workflow_instances
        SET status = {StatusSql.To(WorkflowTransitions.Fail)}, updated_at = @Now
        WHERE id = @WorkflowId AND {StatusSql.From(WorkflowTransitions.Fail)}
        """;

    /// <summary>The most activity rows one INSERT takes (<see cref="InsertActivityLogs"/>); a larger batch takes several.</summary>
    public const int MaxActivityRowsPerInsert = 32;

    /// <summary>
    /// One INSERT of <paramref name="rowCount"/> activity rows (at most <see cref="MaxActivityRowsPerInsert"/>), whose
    /// values are named by row (<see cref="ActivityParameters"/>).
    /// </summary>
    public static string InsertActivityLogs(int rowCount) => ActivityInserts[rowCount - 1];

    /// <summary>The parameter names of each row of <see cref="InsertActivityLogs"/>: <c>@WorkflowId0</c>, <c>@TaskId0</c>, ...</summary>
    public static readonly IReadOnlyList<ActivityParameterNames> ActivityParameters =
    [
        .. Enumerable.Range(0, MaxActivityRowsPerInsert).Select(row => new ActivityParameterNames(
            $"@WorkflowId{row}", $"@TaskId{row}", $"@Action{row}", $"@Details{row}", $"@CreatedAt{row}")),
    ];

    // One text per row count, made once (after the names above, which they use); each is compiled on the writers'
    // connection once and kept there (SqliteDatabase.Prepared).
    private static readonly string[] ActivityInserts =
        [.. Enumerable.Range(1, MaxActivityRowsPerInsert).Select(ActivityInsert)];

    private static string ActivityInsert(int rowCount) =>
        "INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at) VALUES " +
        string.Join(", ", ActivityParameters.Take(rowCount).Select(row =>
            $"({row.WorkflowId}, {row.TaskId}, {row.Action}, {row.Details}, {row.CreatedAt})"));
}

/// <summary>The parameter names of one row of <see cref="SqliteTaskQueueSql.InsertActivityLogs"/>.</summary>
internal sealed record ActivityParameterNames(string WorkflowId, string TaskId, string Action, string Details, string CreatedAt);
