using System.Globalization;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// Every SQL statement of the SQLite adapter. Columns are aliased to the names of the row records they fill
/// (SqliteRows.cs), so Dapper maps them without global naming conventions. Times are TEXT in
/// <see cref="SqliteTime"/>'s sortable form, so comparing them as text compares the instants.
/// </summary>
/// <remarks>
/// Every transaction that writes begins with BEGIN IMMEDIATE (see <see cref="SqliteDatabase"/>), so it holds the one
/// write lock of the file from its first statement: the guards below cannot be raced, and a guard that matches no row
/// means the caller's claim is gone, and no two transactions ever wait on each other, so none can deadlock. The
/// statements still follow the MySQL adapter's lock order (ADR 0012: tasks, then workflow_instances, then
/// activity_logs; a workflow updated before a task is inserted under it), so both adapters read the same way.
/// </remarks>
internal static class SqliteSql
{
    private const string Pending = StatusNames.Pending;
    private const string Running = StatusNames.Running;
    private const string Completed = StatusNames.Completed;
    private const string Failed = StatusNames.Failed;
    private const string Cancelled = StatusNames.Cancelled;

    /// <summary>The workflow_instances columns a <see cref="WorkflowRow"/> is read from, in its order.</summary>
    private const string WorkflowColumns =
        "id AS Id, workflow_name AS WorkflowName, status AS Status, current_input AS CurrentInput, " +
        "created_at AS CreatedAt, updated_at AS UpdatedAt";

    /// <summary>Reads no row: the health check's proof that the database answers and the tasks table is there.</summary>
    public const string ProbeTasksTable = "SELECT 1 FROM tasks LIMIT 0";

    /// <summary>The task gauges' one row: how many tasks are PENDING and how many RUNNING.</summary>
    public const string CountPendingAndRunningTasks = $"""
        SELECT COUNT(CASE WHEN status = '{Pending}' THEN 1 END) AS Pending, COUNT(CASE WHEN status = '{Running}' THEN 1 END) AS Running
        FROM tasks WHERE status IN ('{Pending}', '{Running}')
        """;

    /// <summary>
    /// The settings each connection needs, which SQLite keeps per connection rather than in the file.
    /// <c>synchronous = FULL</c> makes every commit wait until the write-ahead log is on disk. WAL mode's usual NORMAL
    /// would be faster but can lose the last commits on a power cut or an OS crash, and GoFlow has answered for them by
    /// then: a 201 for a started workflow, or a completed task whose handler would otherwise run again.
    /// </summary>
    public static string ConfigureConnection(int busyTimeoutMilliseconds) => string.Create(
        CultureInfo.InvariantCulture,
        $"PRAGMA busy_timeout = {busyTimeoutMilliseconds}; PRAGMA synchronous = FULL;");

    /// <summary>
    /// Write-ahead logging, kept in the file once set: readers see the last commit without waiting for a writer, and a
    /// writer does not wait for readers. Answers the journal mode now in effect.
    /// </summary>
    public const string UseWriteAheadLog = "PRAGMA journal_mode = WAL";

    /// <summary>
    /// The columns added to schema.sqlite.sql after its first release, each with the statement that adds it to a file
    /// created before it (CREATE TABLE IF NOT EXISTS leaves an existing table as it is). They run before the schema,
    /// whose indexes may need them.
    /// </summary>
    public static readonly IReadOnlyList<(string Table, string Column, string Add)> AddedColumns =
    [
        ("workflow_instances", "idempotency_key", "ALTER TABLE workflow_instances ADD COLUMN idempotency_key TEXT NULL"),
        ("workflow_instances", "request_fingerprint", "ALTER TABLE workflow_instances ADD COLUMN request_fingerprint TEXT NULL"),
        ("workflow_instances", "trace_parent", "ALTER TABLE workflow_instances ADD COLUMN trace_parent TEXT NULL"),
        ("tasks", "worker_id", "ALTER TABLE tasks ADD COLUMN worker_id TEXT NULL"),
    ];

    /// <summary>Whether the table exists (1 or 0), and whether it has the column (1 or 0).</summary>
    public const string CountTableAndColumn = """
        SELECT (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @Table),
               (SELECT COUNT(*) FROM pragma_table_info(@Table) WHERE name = @Column)
        """;

    /// <summary>
    /// The indexes whose columns changed after the first release, with the columns they have now and the statement that
    /// drops an older shape; the schema then creates them anew (CREATE INDEX IF NOT EXISTS would keep the old one).
    /// The first release's idx_workflow_instances_status_created lacked the id: SQLite appends the rowid to an index,
    /// not the id, so without it the list would sort every page whose rows tie on created_at.
    /// </summary>
    public static readonly IReadOnlyList<(string Index, string Columns, string Drop)> ReshapedIndexes =
    [
        ("idx_workflow_instances_status_created", "status,created_at,id", "DROP INDEX idx_workflow_instances_status_created"),
    ];

    /// <summary>An index's columns in order, comma-separated; NULL when there is no such index.</summary>
    public const string IndexColumns =
        "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(@Index) ORDER BY seqno)";

    public const string InsertWorkflow = """
        INSERT INTO workflow_instances (id, workflow_name, status, current_input, created_at, updated_at, trace_parent)
        VALUES (@Id, @WorkflowName, @Status, @CurrentInput, @CreatedAt, @UpdatedAt, @TraceParent)
        """;

    /// <summary>
    /// A workflow stored under an idempotency key, unless uq_workflow_instances_idempotency_key already holds the key:
    /// then the insert changes nothing (0 rows) and the caller reads the workflow that does. The index decides, not a
    /// prior read; the conflict target names that index only, so any other constraint still fails the statement.
    /// </summary>
    public const string InsertWorkflowWithKey = """
        INSERT INTO workflow_instances
            (id, workflow_name, status, current_input, created_at, updated_at, idempotency_key, request_fingerprint,
             trace_parent)
        VALUES (@Id, @WorkflowName, @Status, @CurrentInput, @CreatedAt, @UpdatedAt, @IdempotencyKey, @RequestFingerprint,
                @TraceParent)
        ON CONFLICT (idempotency_key) DO NOTHING
        """;

    /// <summary>The workflow holding an idempotency key and the fingerprint of the request that stored it.</summary>
    public const string SelectWorkflowByKey = $"""
        SELECT {WorkflowColumns}, request_fingerprint AS RequestFingerprint
        FROM workflow_instances
        WHERE idempotency_key = @IdempotencyKey
        """;

    /// <summary>Inserts a workflow's first task, with the workflow.</summary>
    public const string InsertTask = """
        INSERT INTO tasks
            (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload, scheduled_at,
             created_at, updated_at)
        VALUES
            (@WorkflowId, @StepIndex, @TaskName, @Status, @Attempt, @MaxAttempts, @InputPayload, @ScheduledAt,
             @CreatedAt, @UpdatedAt)
        """;

    /// <summary>
    /// Inserts a completed step's next task and returns its id: PENDING, or RUNNING when it is handed over to the lease
    /// owner of the step before it (@Status, @Attempt 1, @LeaseOwner and @LeaseExpiresAt set).
    /// </summary>
    public const string InsertNextTask = """
        INSERT INTO tasks
            (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload, lease_owner,
             lease_expires_at, worker_id, scheduled_at, created_at, updated_at)
        VALUES
            (@WorkflowId, @StepIndex, @TaskName, @Status, @Attempt, @MaxAttempts, @InputPayload, @LeaseOwner,
             @LeaseExpiresAt, @LeaseOwner, @Now, @Now, @Now)
        RETURNING id
        """;

    /// <summary>Two result sets: the workflow (none when it does not exist), then its tasks in step order.</summary>
    public const string SelectWorkflowAndTasks = """
        SELECT id AS Id, workflow_name AS WorkflowName, status AS Status, current_input AS CurrentInput,
               created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM workflow_instances
        WHERE id = @Id;

        SELECT id AS Id, step_index AS StepIndex, task_name AS TaskName, status AS Status, attempt AS Attempt,
               max_attempts AS MaxAttempts, scheduled_at AS ScheduledAt, input_payload AS InputPayload,
               output_payload AS OutputPayload, error_message AS ErrorMessage, created_at AS CreatedAt,
               updated_at AS UpdatedAt, worker_id AS WorkerId
        FROM tasks
        WHERE workflow_instance_id = @Id
        ORDER BY step_index;
        """;

    /// <summary>Two result sets: whether the workflow exists (a count), then its activity rows oldest first.</summary>
    public const string SelectActivity = """
        SELECT COUNT(*) FROM workflow_instances WHERE id = @Id;

        SELECT id AS Id, workflow_instance_id AS WorkflowInstanceId, task_id AS TaskId, action AS Action,
               details AS Details, created_at AS CreatedAt
        FROM activity_logs
        WHERE workflow_instance_id = @Id
        ORDER BY id;
        """;

    /// <summary>
    /// The due PENDING tasks, oldest first. SQLite has no SKIP LOCKED and needs none: the claim holds the file's write
    /// lock (BEGIN IMMEDIATE) before this read, so no other claimer can be between this read and the updates that
    /// follow. Served by idx_tasks_claim.
    /// </summary>
    public static readonly string SelectClaimCandidates = $"""
        SELECT id AS Id, workflow_instance_id AS WorkflowInstanceId
        FROM tasks
        WHERE {StatusSql.From(TaskTransitions.Claim)} AND scheduled_at <= @Now
        ORDER BY scheduled_at, id
        LIMIT @MaxTasks
        """;

    public static readonly string MarkTasksRunning = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Claim)}, attempt = attempt + 1, lease_owner = @Owner, lease_expires_at = @LeaseExpiresAt,
            worker_id = @Owner, updated_at = @Now
        WHERE id IN @TaskIds AND {StatusSql.From(TaskTransitions.Claim)}
        """;

    /// <summary>A workflow becomes RUNNING when its first task is claimed; later steps find it RUNNING already.</summary>
    public static readonly string StartWorkflows = $"""
        UPDATE workflow_instances
        SET status = {StatusSql.To(WorkflowTransitions.Start)}, updated_at = @Now
        WHERE id IN @WorkflowIds AND {StatusSql.From(WorkflowTransitions.Start)}
        """;

    public const string SelectClaimedTasks = $"""
        SELECT t.id AS Id, t.workflow_instance_id AS WorkflowInstanceId, w.workflow_name AS WorkflowName,
               t.step_index AS StepIndex, t.task_name AS TaskName, t.input_payload AS InputPayload,
               t.attempt AS Attempt, t.max_attempts AS MaxAttempts, t.lease_owner AS LeaseOwner,
               t.lease_expires_at AS LeaseExpiresAt, t.scheduled_at AS ScheduledAt, w.trace_parent AS TraceParent
        FROM tasks t
        JOIN workflow_instances w ON w.id = t.workflow_instance_id
        WHERE t.id IN @TaskIds AND t.status = '{Running}' AND t.lease_owner = @Owner
        ORDER BY t.scheduled_at, t.id
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

    /// <summary>RUNNING tasks whose lease ended before @Now, the earliest expiry first. Served by idx_tasks_lease.</summary>
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

    /// <summary>
    /// One page of the list, newest first: at most @Limit rows (the caller asks for one more than the page holds, to know
    /// whether another page follows), the filters that are set ANDed, and, for a page after the first, only the rows
    /// after the last one read: <c>created_at &lt;= @AfterCreatedAt</c>, a bound the index is searched from, narrowed by
    /// the tie-break on id, together the same as <c>(created_at, id) &lt; (@AfterCreatedAt, @AfterId)</c>. Of that bound
    /// and created_before, only the tighter is written: SQLite searches from one upper bound, not necessarily the
    /// tighter, and would otherwise read the rows between them on every page. Every filter combination reads one of the
    /// list indexes (idx_workflow_instances_created, _status_created, _name_created) in order, with no sort.
    /// </summary>
    public static string ListWorkflows(WorkflowListQuery query)
    {
        var where = string.Join(" AND ", ListConditions(query));
        return $"""
            SELECT {WorkflowColumns}
            FROM workflow_instances
            {(where.Length == 0 ? string.Empty : "WHERE " + where + "\n")}ORDER BY created_at DESC, id DESC
            LIMIT @Limit
            """;
    }

    internal static IEnumerable<string> ListConditions(WorkflowListQuery query)
    {
        if (query.Status is not null)
        {
            yield return "status = @Status";
        }

        if (query.WorkflowName is not null)
        {
            yield return "workflow_name = @WorkflowName";
        }

        if (query.CreatedAfter is not null)
        {
            yield return "created_at > @CreatedAfter";
        }

        if (query.After is { } after && (query.CreatedBefore is not { } before || after.CreatedAt < before))
        {
            yield return "created_at <= @AfterCreatedAt AND (created_at < @AfterCreatedAt OR id < @AfterId)";
        }
        else if (query.CreatedBefore is not null)
        {
            yield return "created_at < @CreatedBefore";
        }
    }

    /// <summary>
    /// The workflow's PENDING or RUNNING task is cancelled, its lease cleared: a heartbeat no longer renews it and its
    /// holder's late writes match no row.
    /// </summary>
    public static readonly string CancelTasks = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Cancel)}, lease_owner = NULL, lease_expires_at = NULL, updated_at = @Now
        WHERE workflow_instance_id = @Id AND {StatusSql.From(TaskTransitions.Cancel)}
        """;

    public static readonly string CancelWorkflow = $"""
        UPDATE workflow_instances
        SET status = {StatusSql.To(WorkflowTransitions.Cancel)}, updated_at = @Now
        WHERE id = @Id AND {StatusSql.From(WorkflowTransitions.Cancel)}
        """;

    /// <summary>What an operator's change needs to know about a workflow: its name and status (no row when it does not exist).</summary>
    public const string SelectWorkflowState =
        "SELECT workflow_name AS WorkflowName, status AS Status FROM workflow_instances WHERE id = @Id";

    public static readonly string RetryWorkflow = $"""
        UPDATE workflow_instances
        SET status = {StatusSql.To(WorkflowTransitions.Retry)}, updated_at = @Now
        WHERE id = @Id AND {StatusSql.From(WorkflowTransitions.Retry)}
        """;

    /// <summary>
    /// WorkflowTask.Retry: PENDING, due now, with @FreshAttempts more attempts after the ones used (the attempt number
    /// keeps counting up, so a late write of an earlier attempt stays fenced out); the lease cleared, the error kept.
    /// </summary>
    public static readonly string RetryTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Retry)}, max_attempts = attempt + @FreshAttempts, scheduled_at = @Now, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE workflow_instance_id = @Id AND step_index = @StepIndex AND {StatusSql.From(TaskTransitions.Retry)}
        """;

    /// <summary>
    /// The retention sweep's batch: up to @MaxWorkflows finished workflows that last changed before @FinishedBefore, read
    /// from idx_workflow_instances_status_updated, in no particular order (as in MySQL: all of them go in the end). The
    /// sweep holds the write lock, so no other writer is between this read and the deletes.
    /// </summary>
    public const string SelectFinishedWorkflows = $"""
        SELECT id
        FROM workflow_instances
        WHERE status IN ('{Completed}', '{Failed}', '{Cancelled}') AND updated_at < @FinishedBefore
        LIMIT @MaxWorkflows
        """;

    /// <summary>The batch's rows, children first as the foreign keys require; answers how many workflows went.</summary>
    public const string DeleteWorkflows = """
        DELETE FROM activity_logs WHERE workflow_instance_id IN @Ids;
        DELETE FROM tasks WHERE workflow_instance_id IN @Ids;
        DELETE FROM workflow_instances WHERE id IN @Ids;
        SELECT changes();
        """;

    /// <summary>
    /// One activity row. Dapper runs it once per row of a batch; each run is a call into the library in this process,
    /// with no round trip to save, so there is no multi-row form to build.
    /// </summary>
    public const string InsertActivityLog = """
        INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at)
        VALUES (@WorkflowId, @TaskId, @Action, @Details, @CreatedAt)
        """;
}
