using System.Globalization;
using System.Text;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// Every SQL statement of the MySQL adapter. Columns are aliased to the names of the row records they fill
/// (MySqlRows.cs), so Dapper maps them without global naming conventions.
/// </summary>
/// <remarks>
/// Lock order (ADR 0012), followed by every transaction that locks tasks and workflows (claim, group completion and
/// hand-over, failure, renewal, recovery sweep, cancel, retry), so that two transactions never wait on each other's
/// rows in opposite orders (a deadlock):
/// <list type="number">
/// <item>tasks rows, in ascending id; then workflow_instances rows, in ascending id; then activity_logs (inserts);</item>
/// <item>a statement that locks a list of rows reads them through the primary key (<c>FORCE INDEX (PRIMARY)</c>), so it
/// locks the rows it names, in ascending id, and no others: left to itself the optimizer may read a list of workflows
/// through a status index and lock every RUNNING workflow it passes, which is the deadlock the drain met;</item>
/// <item>no shared lock is ever upgraded: a task is inserted under a workflow (whose foreign key takes a shared lock on
/// it) only once the transaction holds that workflow exclusively, or while no one else can see it.</item>
/// </list>
/// Two exceptions, each safe for its own reason. Creating a workflow, forced by the foreign keys: it inserts the
/// workflow row before its task, which is harmless because no other transaction can see, and so lock, rows that are
/// not yet committed. The retention sweep, which starts from the workflow rows but never waits for a lock (see
/// <see cref="SelectFinishedWorkflows"/>), and a transaction that waits for nothing closes no cycle.
/// MySqlLockOrderTests checks the statements against this order where their text can show it.
/// </remarks>
internal static class MySqlSql
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

    public const string CountDatabasesNamed =
        "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @Name";

    public static string CreateDatabase(string name) =>
        $"CREATE DATABASE IF NOT EXISTS {QuoteIdentifier(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";

    /// <summary>Whether a column exists in the current database: MySQL 8 has no ADD COLUMN IF NOT EXISTS.</summary>
    public const string CountColumnsNamed = """
        SELECT COUNT(*) FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @Table AND COLUMN_NAME = @Column
        """;

    /// <summary>
    /// The columns added to schema.sql after its first release, each with the statement that adds it to a database
    /// created before it (schema.sql's CREATE TABLE IF NOT EXISTS leaves an existing table as it is).
    /// </summary>
    public static readonly IReadOnlyList<(string Table, string Column, string Add)> AddedColumns =
    [
        ("tasks", "max_attempts", "ALTER TABLE tasks ADD COLUMN max_attempts INT NOT NULL DEFAULT 3 AFTER attempt"),
        ("workflow_instances", "idempotency_key",
            "ALTER TABLE workflow_instances ADD COLUMN idempotency_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL AFTER updated_at"),
        ("workflow_instances", "request_fingerprint",
            "ALTER TABLE workflow_instances ADD COLUMN request_fingerprint CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER idempotency_key"),
        ("workflow_instances", "trace_parent",
            "ALTER TABLE workflow_instances ADD COLUMN trace_parent VARCHAR(55) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER request_fingerprint"),
        ("tasks", "worker_id", "ALTER TABLE tasks ADD COLUMN worker_id VARCHAR(100) NULL AFTER updated_at"),
    ];

    /// <summary>Whether an index exists in the current database: MySQL 8 has no ADD INDEX IF NOT EXISTS.</summary>
    public const string CountIndexesNamed = """
        SELECT COUNT(*) FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @Table AND INDEX_NAME = @Index
        """;

    /// <summary>
    /// The indexes added to schema.sql after its first release, each with the statement that adds it to a table created
    /// before it; they run after <see cref="AddedColumns"/>. The first release's idx_workflow_instances_status_created is
    /// (status, created_at), without the id that schema.sql now spells out; it is left as it is, because InnoDB appends
    /// the primary key to every secondary index, which makes the two the same index.
    /// </summary>
    public static readonly IReadOnlyList<(string Table, string Index, string Add)> AddedIndexes =
    [
        ("workflow_instances", "uq_workflow_instances_idempotency_key",
            "ALTER TABLE workflow_instances ADD UNIQUE KEY uq_workflow_instances_idempotency_key (idempotency_key)"),
        ("workflow_instances", "idx_workflow_instances_created",
            "ALTER TABLE workflow_instances ADD KEY idx_workflow_instances_created (created_at, id)"),
        ("workflow_instances", "idx_workflow_instances_name_created",
            "ALTER TABLE workflow_instances ADD KEY idx_workflow_instances_name_created (workflow_name, created_at, id)"),
        ("workflow_instances", "idx_workflow_instances_status_updated",
            "ALTER TABLE workflow_instances ADD KEY idx_workflow_instances_status_updated (status, updated_at)"),
    ];

    /// <summary>A keyed workflow's first task, sent with its insert (its parameters are the workflow's and <c>@Task*</c>).</summary>
    public const string InsertFirstTask = """
        INSERT INTO tasks
            (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload, scheduled_at,
             created_at, updated_at)
        VALUES
            (@Id, @TaskStepIndex, @TaskName, @TaskStatus, @TaskAttempt, @TaskMaxAttempts, @TaskInputPayload, @TaskScheduledAt,
             @TaskCreatedAt, @TaskUpdatedAt)
        """;

    /// <summary>
    /// New workflows and their first tasks, <paramref name="count"/> of each, in two multi-row INSERTs (workflows first,
    /// for the tasks' foreign key), whose parameters are suffixed by index: the workflow's <c>@Id0</c>,
    /// <c>@WorkflowName0</c>, ..., its first task's <c>@TaskStepIndex0</c>, <c>@TaskName0</c>, ....
    /// </summary>
    public static string InsertWorkflowsAndFirstTasks(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var rows = Enumerable.Range(0, count).ToList();
        var workflows = string.Join(", ", rows.Select(i =>
            $"(@Id{i}, @WorkflowName{i}, @Status{i}, @CurrentInput{i}, @CreatedAt{i}, @UpdatedAt{i}, @TraceParent{i})"));
        var tasks = string.Join(", ", rows.Select(i =>
            $"(@Id{i}, @TaskStepIndex{i}, @TaskName{i}, @TaskStatus{i}, @TaskAttempt{i}, @TaskMaxAttempts{i}, " +
            $"@TaskInputPayload{i}, @TaskScheduledAt{i}, @TaskCreatedAt{i}, @TaskUpdatedAt{i})"));
        return $"""
            INSERT INTO workflow_instances (id, workflow_name, status, current_input, created_at, updated_at, trace_parent)
            VALUES {workflows};
            INSERT INTO tasks
                (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload, scheduled_at,
                 created_at, updated_at)
            VALUES {tasks};
            """;
    }

    /// <summary>The unique index that holds each idempotency key once; a duplicate-key error names it.</summary>
    public const string IdempotencyKeyIndex = "uq_workflow_instances_idempotency_key";

    /// <summary>
    /// A workflow stored under an idempotency key. A second workflow with a key already taken fails on
    /// <see cref="IdempotencyKeyIndex"/> (error 1062) instead of being stored: the index decides, not a prior read.
    /// </summary>
    public const string InsertWorkflowWithKey = """
        INSERT INTO workflow_instances
            (id, workflow_name, status, current_input, created_at, updated_at, idempotency_key, request_fingerprint,
             trace_parent)
        VALUES (@Id, @WorkflowName, @Status, @CurrentInput, @CreatedAt, @UpdatedAt, @IdempotencyKey, @RequestFingerprint,
                @TraceParent)
        """;

    /// <summary>The workflow holding an idempotency key and the fingerprint of the request that stored it.</summary>
    public const string SelectWorkflowByKey = $"""
        SELECT {WorkflowColumns}, request_fingerprint AS RequestFingerprint
        FROM workflow_instances
        WHERE idempotency_key = @IdempotencyKey
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
    /// The due PENDING tasks, oldest first, locked for this transaction, with every task column a claim hands out, so
    /// that nothing needs reading back once they are marked. SKIP LOCKED passes over rows that a concurrent claimer has
    /// locked, so claimers never wait on each other and never get the same task. Served by idx_tasks_claim.
    /// </summary>
    public static readonly string SelectClaimCandidates = $"""
        SELECT id AS Id, workflow_instance_id AS WorkflowInstanceId, step_index AS StepIndex, task_name AS TaskName,
               input_payload AS InputPayload, attempt AS Attempt, max_attempts AS MaxAttempts, scheduled_at AS ScheduledAt
        FROM tasks
        WHERE {StatusSql.From(TaskTransitions.Claim)} AND scheduled_at <= @Now
        ORDER BY scheduled_at, id
        LIMIT @MaxTasks
        FOR UPDATE SKIP LOCKED
        """;

    /// <summary>
    /// The rest of a claim, in one round trip, for the candidates locked by <see cref="SelectClaimCandidates"/>: they
    /// become RUNNING under the claim's lease with their attempt counted, and how many did (ROW_COUNT()); their
    /// workflows become RUNNING if they were PENDING (later steps find them RUNNING already); the workflows' names and
    /// trace contexts; then the TASK_STARTED rows (<see cref="InsertActivityLogs"/>, appended by the caller).
    /// </summary>
    public static readonly string MarkClaimedAndSelectWorkflows = $"""
        UPDATE tasks FORCE INDEX (PRIMARY)
        SET status = {StatusSql.To(TaskTransitions.Claim)}, attempt = attempt + 1, lease_owner = @Owner, lease_expires_at = @LeaseExpiresAt,
            worker_id = @Owner, updated_at = @Now
        WHERE id IN @TaskIds AND {StatusSql.From(TaskTransitions.Claim)};

        SELECT ROW_COUNT();

        UPDATE workflow_instances FORCE INDEX (PRIMARY)
        SET status = {StatusSql.To(WorkflowTransitions.Start)}, updated_at = @Now
        WHERE id IN @WorkflowIds AND {StatusSql.From(WorkflowTransitions.Start)};

        SELECT id AS Id, workflow_name AS WorkflowName, trace_parent AS TraceParent
        FROM workflow_instances
        WHERE id IN @WorkflowIds;
        """;

    /// <summary>
    /// Locks the tasks a group of completions answers, in primary-key order, and reads the claim each is held under now,
    /// so the caller can tell the completions still held (RUNNING, same lease owner, same attempt) from those an earlier
    /// commit of the same claim recorded already (COMPLETED, same worker, same attempt: its acknowledgement was lost) and
    /// from the others. The rows stay locked until the commit, so the claims read here are the ones the writes after it find.
    /// </summary>
    public const string LockCompletedTasks = """
        SELECT id AS Id, status AS Status, lease_owner AS LeaseOwner, worker_id AS WorkerId, attempt AS Attempt
        FROM tasks FORCE INDEX (PRIMARY)
        WHERE id IN @TaskIds
        ORDER BY id
        FOR UPDATE
        """;

    /// <summary>
    /// The next step's task that an earlier commit handed over to @Owner, when the owner still holds it (RUNNING, its
    /// first attempt): its lease is renewed to @LeaseExpiresAt and its id read, so that a completion retried after a lost
    /// acknowledgement carries on with it. No row when it is no longer held (the lease sweep took it back meanwhile).
    /// </summary>
    public static readonly string RenewHandedOverTask = $"""
        UPDATE tasks FORCE INDEX (uq_tasks_workflow_step)
        SET lease_expires_at = @LeaseExpiresAt, updated_at = @Now
        WHERE workflow_instance_id = @WorkflowId AND step_index = @StepIndex AND {StatusSql.From(TaskTransitions.RenewLease)} AND lease_owner = @Owner
              AND attempt = 1;
        SELECT id FROM tasks
        WHERE workflow_instance_id = @WorkflowId AND step_index = @StepIndex AND {StatusSql.From(TaskTransitions.RenewLease)} AND lease_owner = @Owner
              AND attempt = 1;
        """;

    /// <summary>
    /// The writes of a group of held completions, in one round trip (see <see cref="CompletionGroup"/> for the
    /// parameters), in the lock order: the tasks become COMPLETED with their outputs, keeping their worker and attempt
    /// (what a retry after a lost acknowledgement recognises its own commit by), then ROW_COUNT(); the workflows with a
    /// next step move their current input on, the others become COMPLETED with it, each update followed by ROW_COUNT(),
    /// so the caller can check that every row it expected was there; only then are the next steps' tasks created with
    /// those outputs as input, so that their foreign key's shared lock falls on workflow rows this transaction already
    /// holds exclusively, and their ids read (by the unique key on workflow and step, as the activity rows and a
    /// hand-over need them).
    /// </summary>
    public static string CompleteHeldTasks(CompletionGroup group)
    {
        var sql = new StringBuilder();
        var all = Enumerable.Range(0, group.Count).ToList();
        sql.Append(CultureInfo.InvariantCulture, $"""
            UPDATE tasks FORCE INDEX (PRIMARY)
            SET status = {StatusSql.To(TaskTransitions.Complete)}, output_payload = {CaseById("id", all, "Output")}, lease_owner = NULL,
                lease_expires_at = NULL, updated_at = @Now
            WHERE id IN ({List(all, "Id")}) AND {StatusSql.From(TaskTransitions.Complete)}
                AND (id, lease_owner, attempt) IN ({string.Join(", ", all.Select(i => $"(@Id{i}, @Owner{i}, @Attempt{i})"))});
            SELECT ROW_COUNT();

            """);
        if (group.Advancing.Count > 0)
        {
            sql.Append(CultureInfo.InvariantCulture, $"""
                UPDATE workflow_instances FORCE INDEX (PRIMARY)
                SET current_input = {CaseById("id", group.Advancing, "Output", "WorkflowId")}, updated_at = @Now
                WHERE id IN ({List(group.Advancing, "WorkflowId")}) AND {StatusSql.From(WorkflowTransitions.Advance)};
                SELECT ROW_COUNT();

                """);
        }

        if (group.Finishing.Count > 0)
        {
            sql.Append(CultureInfo.InvariantCulture, $"""
                UPDATE workflow_instances FORCE INDEX (PRIMARY)
                SET status = {StatusSql.To(WorkflowTransitions.Complete)}, current_input = {CaseById("id", group.Finishing, "Output", "WorkflowId")}, updated_at = @Now
                WHERE id IN ({List(group.Finishing, "WorkflowId")}) AND {StatusSql.From(WorkflowTransitions.Complete)};
                SELECT ROW_COUNT();

                """);
        }

        if (group.Advancing.Count > 0)
        {
            var values = string.Join(", ", group.Advancing.Select(i =>
                $"(@WorkflowId{i}, @NextStepIndex{i}, @NextTaskName{i}, @NextStatus{i}, @NextAttempt{i}, @NextMaxAttempts{i}, " +
                $"@Output{i}, @NextLeaseOwner{i}, @NextLeaseExpiresAt{i}, @NextLeaseOwner{i}, @Now, @Now, @Now)"));
            var nextTasks = string.Join(", ", group.Advancing.Select(i => $"(@WorkflowId{i}, @NextStepIndex{i})"));
            sql.Append(CultureInfo.InvariantCulture, $"""
                INSERT INTO tasks
                    (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload, lease_owner,
                     lease_expires_at, worker_id, scheduled_at, created_at, updated_at)
                VALUES
                    {values};
                SELECT id AS Id, workflow_instance_id AS WorkflowInstanceId
                FROM tasks
                WHERE workflow_instance_id IN ({List(group.Advancing, "WorkflowId")}) AND (workflow_instance_id, step_index) IN ({nextTasks});

                """);
        }

        return sql.ToString();
    }

    // Every write a holder makes (complete, fail, retry, release, renew) carries the same guard, its claim: RUNNING, same
    // lease owner, same attempt. 0 rows means the caller no longer holds the claim (another attempt or another worker has
    // the task now, or the sweep took it back), and the transaction changes nothing. A group of completions checks the
    // same three things on the rows it has locked (LockRunningTasks), then writes only the held ones.
    public static readonly string FailTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Fail)}, error_message = @Error, lease_owner = NULL, lease_expires_at = NULL,
            updated_at = @Now
        WHERE id = @TaskId AND {StatusSql.From(TaskTransitions.Fail)} AND lease_owner = @Owner AND attempt = @Attempt
        """;

    /// <summary>WorkflowTask.ScheduleRetry: back to PENDING, due at @RetryAt, the attempt still counted, the error kept.</summary>
    public static readonly string ScheduleTaskRetry = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.ScheduleRetry)}, error_message = @Error, scheduled_at = @RetryAt, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE id = @TaskId AND {StatusSql.From(TaskTransitions.ScheduleRetry)} AND lease_owner = @Owner AND attempt = @Attempt
        """;

    /// <summary>WorkflowTask.Release: back to PENDING, due now, and the attempt given back.</summary>
    public static readonly string ReleaseTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Release)}, attempt = attempt - 1, scheduled_at = @Now, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE id = @TaskId AND {StatusSql.From(TaskTransitions.Release)} AND lease_owner = @Owner AND attempt = @Attempt
        """;

    /// <summary>
    /// The expired leases, earliest expiry first, locked for this transaction. SKIP LOCKED passes over rows that a
    /// concurrent sweep, or a holder finishing its task right now, has locked, so two sweeps never take the same task
    /// back and a sweep never waits. Served by idx_tasks_lease.
    /// </summary>
    public static readonly string SelectExpiredLeases = $"""
        SELECT id AS Id, workflow_instance_id AS WorkflowInstanceId, task_name AS TaskName, attempt AS Attempt,
               max_attempts AS MaxAttempts
        FROM tasks
        WHERE {StatusSql.From(TaskTransitions.ExpireLease)} AND lease_expires_at < @Now
        ORDER BY lease_expires_at
        LIMIT @MaxTasks
        FOR UPDATE SKIP LOCKED
        """;

    // WorkflowTask.ExpireLease for the rows the sweep locked: those with attempts left go back to PENDING due now, those
    // on their last attempt become FAILED; both keep the expired attempt. They guard on the status and the expiry too,
    // although the rows are locked, so that a lease renewed in the meantime is never taken back. The sweep sends only the
    // statements it has ids for, in one round trip: Dapper turns an empty list into a subquery, which would make the
    // server scan idx_tasks_lease and wait on rows that other transactions hold.
    public static readonly string RequeueExpiredTasks = $"""
        UPDATE tasks FORCE INDEX (PRIMARY)
        SET status = {StatusSql.To(TaskTransitions.ExpireLease)}, error_message = @Error, scheduled_at = @Now, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE id IN @RequeueIds AND {StatusSql.From(TaskTransitions.ExpireLease)} AND lease_expires_at < @Now AND attempt < max_attempts
        """;

    public static readonly string FailExpiredTasks = $"""
        UPDATE tasks FORCE INDEX (PRIMARY)
        SET status = {StatusSql.To(TaskTransitions.ExpireLastLease)}, error_message = @Error, lease_owner = NULL, lease_expires_at = NULL, updated_at = @Now
        WHERE id IN @FailIds AND {StatusSql.From(TaskTransitions.ExpireLastLease)} AND lease_expires_at < @Now AND attempt >= max_attempts
        """;

    /// <summary>
    /// Three result sets in one round trip: the workflows whose task expired on its last attempt become FAILED (each
    /// must be RUNNING), how many did (ROW_COUNT() right after the update), and their names for the WORKFLOW_FAILED rows.
    /// </summary>
    public static readonly string FailWorkflowsAndSelectNames = $"""
        UPDATE workflow_instances FORCE INDEX (PRIMARY)
        SET status = {StatusSql.To(WorkflowTransitions.Fail)}, updated_at = @Now
        WHERE id IN @WorkflowIds AND {StatusSql.From(WorkflowTransitions.Fail)};

        SELECT ROW_COUNT();

        SELECT id AS Id, workflow_name AS WorkflowName FROM workflow_instances WHERE id IN @WorkflowIds;
        """;

    public static readonly string FailWorkflow = $"""
        UPDATE workflow_instances
        SET status = {StatusSql.To(WorkflowTransitions.Fail)}, updated_at = @Now
        WHERE id = @WorkflowId AND {StatusSql.From(WorkflowTransitions.Fail)}
        """;

    /// <summary>
    /// One page of the list, newest first: at most @Limit rows (the caller asks for one more than the page holds, to know
    /// whether another page follows), the filters that are set ANDed, and, for a page after the first, only the rows
    /// after the last one read: <c>created_at &lt;= @AfterCreatedAt</c>, a bound the server seeks to in the index, narrowed
    /// by the tie-break on id, together the same as <c>(created_at, id) &lt; (@AfterCreatedAt, @AfterId)</c>. Of that
    /// bound and created_before, only the tighter is written (the other follows from it). Each filter combination reads
    /// one list index in order, with no sort, forced: left to itself the optimizer may read a status's or a name's rows
    /// from the newest on and skip those before the position, which it takes to be few, so that a late page would
    /// cost more than the first.
    /// </summary>
    public static string ListWorkflows(WorkflowListQuery query)
    {
        var index = query.Status is not null ? "idx_workflow_instances_status_created"
            : query.WorkflowName is not null ? "idx_workflow_instances_name_created"
            : "idx_workflow_instances_created";
        var where = string.Join(" AND ", ListConditions(query));
        return $"""
            SELECT {WorkflowColumns}
            FROM workflow_instances FORCE INDEX ({index})
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

    // Cancel and retry start by locking every task of the workflow, in step order, with a locking read that waits for
    // whatever transaction is changing one of them (a completion queueing the next step, a claim, a cancel or a retry),
    // so the updates after it see each task as that transaction left it. A plain UPDATE would not wait: at READ
    // COMMITTED it passes over a locked row whose last committed status does not match, and a cancel could then miss the
    // task a concurrent retry is making PENDING. The read is forced onto uq_tasks_workflow_step: a table scan, which a
    // small table with stale statistics can get, would lock every task in turn and wait on other workflows' holders.
    private const string LockTasksOfWorkflow =
        "SELECT id FROM tasks FORCE INDEX (uq_tasks_workflow_step) WHERE workflow_instance_id = @Id ORDER BY step_index FOR UPDATE";

    /// <summary>
    /// The workflow's tasks locked, then its PENDING or RUNNING task cancelled, its lease cleared: a heartbeat no longer
    /// renews it and its holder's late writes match no row.
    /// </summary>
    public static readonly string CancelTasks = $"""
        {LockTasksOfWorkflow};

        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Cancel)}, lease_owner = NULL, lease_expires_at = NULL, updated_at = @Now
        WHERE workflow_instance_id = @Id AND {StatusSql.From(TaskTransitions.Cancel)};
        """;

    /// <summary>
    /// Three result sets in one round trip: the workflow becomes CANCELLED if PENDING or RUNNING, how many rows that
    /// changed (1 or 0), and its name and status now (none when there is no such workflow).
    /// </summary>
    public static readonly string CancelWorkflowAndSelect = $"""
        UPDATE workflow_instances
        SET status = {StatusSql.To(WorkflowTransitions.Cancel)}, updated_at = @Now
        WHERE id = @Id AND {StatusSql.From(WorkflowTransitions.Cancel)};

        SELECT ROW_COUNT();

        SELECT workflow_name AS WorkflowName, status AS Status FROM workflow_instances WHERE id = @Id;
        """;

    /// <summary>
    /// Two result sets: the workflow's tasks, locked (see <see cref="LockTasksOfWorkflow"/>), then the workflow's name
    /// and status, its row locked too (none when there is no such workflow).
    /// </summary>
    public const string LockTasksAndWorkflow = $"""
        {LockTasksOfWorkflow};

        SELECT workflow_name AS WorkflowName, status AS Status FROM workflow_instances WHERE id = @Id FOR UPDATE;
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

    public static readonly string RetryWorkflow = $"""
        UPDATE workflow_instances
        SET status = {StatusSql.To(WorkflowTransitions.Retry)}, updated_at = @Now
        WHERE id = @Id AND {StatusSql.From(WorkflowTransitions.Retry)}
        """;

    // The retention sweep never waits for a lock, so it cannot be part of a deadlock although it starts from the
    // workflow rows: every locking read it makes skips rows another transaction holds, and it deletes only rows it has
    // locked. It also never holds up a worker for long: the workflows it takes are finished, and no worker holds their
    // tasks.

    /// <summary>
    /// The batch: up to @MaxWorkflows finished workflows that last changed before @FinishedBefore, read from
    /// idx_workflow_instances_status_updated and locked, skipping those another sweep (or an operator's change) holds, so
    /// sweeps running at once take disjoint batches. No ORDER BY: which old workflows go first does not matter, and
    /// without a sort the read stops, and stops locking, at the batch's last row.
    /// </summary>
    public const string SelectFinishedWorkflows = $"""
        SELECT id
        FROM workflow_instances
        WHERE status IN ('{Completed}', '{Failed}', '{Cancelled}') AND updated_at < @FinishedBefore
        LIMIT @MaxWorkflows
        FOR UPDATE SKIP LOCKED
        """;

    /// <summary>
    /// Four result sets: the batch's task rows this transaction could lock (skipping those another holds), how many task
    /// rows each workflow has, and the same two for its activity rows. A workflow the sweep could not lock whole (a
    /// cancel or retry of it is under way) is left for a later sweep.
    /// </summary>
    public const string LockChildRows = """
        SELECT workflow_instance_id AS WorkflowInstanceId, id AS Id
        FROM tasks FORCE INDEX (uq_tasks_workflow_step) WHERE workflow_instance_id IN @Ids FOR UPDATE SKIP LOCKED;

        SELECT workflow_instance_id AS WorkflowInstanceId, COUNT(*) AS Total
        FROM tasks WHERE workflow_instance_id IN @Ids GROUP BY workflow_instance_id;

        SELECT workflow_instance_id AS WorkflowInstanceId, id AS Id
        FROM activity_logs FORCE INDEX (idx_activity_logs_workflow) WHERE workflow_instance_id IN @Ids FOR UPDATE SKIP LOCKED;

        SELECT workflow_instance_id AS WorkflowInstanceId, COUNT(*) AS Total
        FROM activity_logs WHERE workflow_instance_id IN @Ids GROUP BY workflow_instance_id;
        """;

    /// <summary>
    /// Deletes the locked rows in one round trip, children first as the foreign keys require: one statement per row, by
    /// primary key (parameters suffixed by index: <c>@ActivityId0</c>, <c>@TaskId0</c>, <c>@WorkflowId0</c>, ...), each
    /// forced onto the primary key. A single DELETE with an IN list would be cheaper to send, but for a list of more
    /// than a few rows on a small table the server may choose to scan the whole index instead, and a DELETE that scans
    /// locks, and waits on, every row it passes, rows other transactions hold among them: two sweeps doing that over
    /// each other's rows deadlock. One row per statement is always a single index lookup.
    /// </summary>
    public static string DeleteLockedRows(int activityRows, int taskRows, int workflowRows)
    {
        var sql = new StringBuilder();
        for (var i = 0; i < activityRows; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"DELETE a FROM activity_logs AS a FORCE INDEX (PRIMARY) WHERE a.id = @ActivityId{i};\n");
        }

        for (var i = 0; i < taskRows; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"DELETE t FROM tasks AS t FORCE INDEX (PRIMARY) WHERE t.id = @TaskId{i};\n");
        }

        for (var i = 0; i < workflowRows; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"DELETE w FROM workflow_instances AS w FORCE INDEX (PRIMARY) WHERE w.id = @WorkflowId{i};\n");
        }

        return sql.ToString();
    }

    /// <summary>
    /// Extends the leases the owner still holds, then reads back which: one round trip, inside one transaction, so the
    /// rows the update matched stay locked until the read. Each task is matched on its id and the attempt the owner
    /// holds (a row constructor per task, parameters suffixed by index: <c>@Id0</c>, <c>@Attempt0</c>, ...); the
    /// <c>id IN</c> list beside it lets the server find the rows by primary key.
    /// </summary>
    public static string RenewLeases(int taskCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(taskCount);
        var ids = string.Join(", ", Enumerable.Range(0, taskCount).Select(i => $"@Id{i}"));
        var pairs = string.Join(", ", Enumerable.Range(0, taskCount).Select(i => $"(@Id{i}, @Attempt{i})"));
        var held = $"id IN ({ids}) AND (id, attempt) IN ({pairs}) AND {StatusSql.From(TaskTransitions.RenewLease)} AND lease_owner = @Owner";
        return $"""
            UPDATE tasks FORCE INDEX (PRIMARY) SET lease_expires_at = @LeaseExpiresAt, updated_at = @Now WHERE {held};
            SELECT id FROM tasks WHERE {held} AND lease_expires_at = @LeaseExpiresAt ORDER BY id;
            """;
    }

    /// <summary>
    /// One multi-row INSERT for <paramref name="rowCount"/> rows, whose parameters are prefixed by <c>Log</c> and suffixed
    /// by row index (<c>@LogWorkflowId0</c>, <c>@LogTaskId0</c>, ...), so that a claim or a group of completions logs its
    /// whole batch in one statement, sent with its other statements.
    /// </summary>
    public static string InsertActivityLogs(int rowCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowCount);
        var sql = new StringBuilder(
            "INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at) VALUES ");
        for (var row = 0; row < rowCount; row++)
        {
            sql.Append(row == 0 ? "(" : ", (")
                .Append(CultureInfo.InvariantCulture, $"@LogWorkflowId{row}, @LogTaskId{row}, @LogAction{row}, @LogDetails{row}, @LogCreatedAt{row})");
        }

        return sql.ToString();
    }

    /// <summary><c>@Id0, @Id3, ...</c>: the parameters named <paramref name="prefix"/> of <paramref name="rows"/>.</summary>
    private static string List(IEnumerable<int> rows, string prefix) =>
        string.Join(", ", rows.Select(row => $"@{prefix}{row}"));

    /// <summary>
    /// <c>CASE id WHEN @Id0 THEN @Output0 ... END</c>: for each of <paramref name="rows"/>, the value parameter chosen by
    /// the row's key parameter (<paramref name="keyPrefix"/>, by default the task id).
    /// </summary>
    private static string CaseById(string column, IEnumerable<int> rows, string valuePrefix, string keyPrefix = "Id") =>
        $"CASE {column} " + string.Concat(rows.Select(row => $"WHEN @{keyPrefix}{row} THEN @{valuePrefix}{row} ")) + "END";

    private static string QuoteIdentifier(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
}
