using System.Globalization;
using System.Text;
using GoFlow.Domain;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// Every SQL statement of the MySQL adapter. Columns are aliased to the names of the row records they fill
/// (MySqlRows.cs), so Dapper maps them without global naming conventions.
/// </summary>
/// <remarks>
/// Lock order: every transaction touches the tables in one fixed order, tasks, then workflow_instances, then
/// activity_logs, so that two transactions never wait on each other's rows in opposite orders (a deadlock).
/// Creating a workflow is the one exception, forced by the foreign keys: it inserts the workflow row before its task,
/// which is harmless because no other transaction can see, and so lock, rows that are not yet committed.
/// </remarks>
internal static class MySqlSql
{
    private const string Pending = StatusNames.Pending;
    private const string Running = StatusNames.Running;
    private const string Completed = StatusNames.Completed;
    private const string Failed = StatusNames.Failed;

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
    ];

    /// <summary>Inserts a task; used both when a workflow is created and when a step completes.</summary>
    public const string InsertTask = """
        INSERT INTO tasks
            (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload, scheduled_at,
             created_at, updated_at)
        VALUES
            (@WorkflowId, @StepIndex, @TaskName, @Status, @Attempt, @MaxAttempts, @InputPayload, @ScheduledAt,
             @CreatedAt, @UpdatedAt)
        """;

    public const string InsertWorkflow = """
        INSERT INTO workflow_instances (id, workflow_name, status, current_input, created_at, updated_at)
        VALUES (@Id, @WorkflowName, @Status, @CurrentInput, @CreatedAt, @UpdatedAt)
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
               updated_at AS UpdatedAt
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
    /// The due PENDING tasks, oldest first, locked for this transaction. SKIP LOCKED passes over rows that a concurrent
    /// claimer has locked, so claimers never wait on each other and never get the same task. Served by idx_tasks_claim.
    /// </summary>
    public const string SelectClaimCandidates = $"""
        SELECT id AS Id, workflow_instance_id AS WorkflowInstanceId
        FROM tasks
        WHERE status = '{Pending}' AND scheduled_at <= @Now
        ORDER BY scheduled_at, id
        LIMIT @MaxTasks
        FOR UPDATE SKIP LOCKED
        """;

    public const string MarkTasksRunning = $"""
        UPDATE tasks
        SET status = '{Running}', attempt = attempt + 1, lease_owner = @Owner, lease_expires_at = @LeaseExpiresAt,
            updated_at = @Now
        WHERE id IN @TaskIds AND status = '{Pending}'
        """;

    /// <summary>A workflow becomes RUNNING when its first task is claimed; later steps find it RUNNING already.</summary>
    public const string StartWorkflows = $"""
        UPDATE workflow_instances
        SET status = '{Running}', updated_at = @Now
        WHERE id IN @WorkflowIds AND status = '{Pending}'
        """;

    public const string SelectClaimedTasks = $"""
        SELECT t.id AS Id, t.workflow_instance_id AS WorkflowInstanceId, w.workflow_name AS WorkflowName,
               t.step_index AS StepIndex, t.task_name AS TaskName, t.input_payload AS InputPayload,
               t.attempt AS Attempt, t.max_attempts AS MaxAttempts, t.lease_owner AS LeaseOwner,
               t.lease_expires_at AS LeaseExpiresAt
        FROM tasks t
        JOIN workflow_instances w ON w.id = t.workflow_instance_id
        WHERE t.id IN @TaskIds AND t.status = '{Running}' AND t.lease_owner = @Owner
        ORDER BY t.scheduled_at, t.id
        """;

    // Every write a holder makes (complete, fail, retry, release, renew) carries the same guard, its claim: RUNNING, same
    // lease owner, same attempt. 0 rows means the caller no longer holds the claim (another attempt or another worker has
    // the task now, or the sweep took it back), and the transaction changes nothing.
    public const string CompleteTask = $"""
        UPDATE tasks
        SET status = '{Completed}', output_payload = @OutputPayload, lease_owner = NULL, lease_expires_at = NULL,
            updated_at = @Now
        WHERE id = @TaskId AND status = '{Running}' AND lease_owner = @Owner AND attempt = @Attempt
        """;

    public const string FailTask = $"""
        UPDATE tasks
        SET status = '{Failed}', error_message = @Error, lease_owner = NULL, lease_expires_at = NULL,
            updated_at = @Now
        WHERE id = @TaskId AND status = '{Running}' AND lease_owner = @Owner AND attempt = @Attempt
        """;

    /// <summary>WorkflowTask.ScheduleRetry: back to PENDING, due at @RetryAt, the attempt still counted, the error kept.</summary>
    public const string ScheduleTaskRetry = $"""
        UPDATE tasks
        SET status = '{Pending}', error_message = @Error, scheduled_at = @RetryAt, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE id = @TaskId AND status = '{Running}' AND lease_owner = @Owner AND attempt = @Attempt
        """;

    /// <summary>WorkflowTask.Release: back to PENDING, due now, and the attempt given back.</summary>
    public const string ReleaseTask = $"""
        UPDATE tasks
        SET status = '{Pending}', attempt = attempt - 1, scheduled_at = @Now, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE id = @TaskId AND status = '{Running}' AND lease_owner = @Owner AND attempt = @Attempt
        """;

    /// <summary>
    /// The expired leases, earliest expiry first, locked for this transaction. SKIP LOCKED passes over rows that a
    /// concurrent sweep, or a holder finishing its task right now, has locked, so two sweeps never take the same task
    /// back and a sweep never waits. Served by idx_tasks_lease.
    /// </summary>
    public const string SelectExpiredLeases = $"""
        SELECT id AS Id, workflow_instance_id AS WorkflowInstanceId, task_name AS TaskName, attempt AS Attempt,
               max_attempts AS MaxAttempts
        FROM tasks
        WHERE status = '{Running}' AND lease_expires_at < @Now
        ORDER BY lease_expires_at
        LIMIT @MaxTasks
        FOR UPDATE SKIP LOCKED
        """;

    // WorkflowTask.ExpireLease for the rows the sweep locked: those with attempts left go back to PENDING due now, those
    // on their last attempt become FAILED; both keep the expired attempt. They guard on the status and the expiry too,
    // although the rows are locked, so that a lease renewed in the meantime is never taken back. The sweep sends only the
    // statements it has ids for, in one round trip: Dapper turns an empty list into a subquery, which would make the
    // server scan idx_tasks_lease and wait on rows that other transactions hold.
    public const string RequeueExpiredTasks = $"""
        UPDATE tasks
        SET status = '{Pending}', error_message = @Error, scheduled_at = @Now, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE id IN @RequeueIds AND status = '{Running}' AND lease_expires_at < @Now AND attempt < max_attempts
        """;

    public const string FailExpiredTasks = $"""
        UPDATE tasks
        SET status = '{Failed}', error_message = @Error, lease_owner = NULL, lease_expires_at = NULL, updated_at = @Now
        WHERE id IN @FailIds AND status = '{Running}' AND lease_expires_at < @Now AND attempt >= max_attempts
        """;

    /// <summary>
    /// Three result sets in one round trip: the workflows whose task expired on its last attempt become FAILED (each
    /// must be RUNNING), how many did (ROW_COUNT() right after the update), and their names for the WORKFLOW_FAILED rows.
    /// </summary>
    public const string FailWorkflowsAndSelectNames = $"""
        UPDATE workflow_instances
        SET status = '{Failed}', updated_at = @Now
        WHERE id IN @WorkflowIds AND status = '{Running}';

        SELECT ROW_COUNT();

        SELECT id AS Id, workflow_name AS WorkflowName FROM workflow_instances WHERE id IN @WorkflowIds;
        """;

    public const string AdvanceWorkflow = $"""
        UPDATE workflow_instances
        SET current_input = @CurrentInput, updated_at = @Now
        WHERE id = @WorkflowId AND status = '{Running}'
        """;

    public const string CompleteWorkflow = $"""
        UPDATE workflow_instances
        SET status = '{Completed}', current_input = @CurrentInput, updated_at = @Now
        WHERE id = @WorkflowId AND status = '{Running}'
        """;

    public const string FailWorkflow = $"""
        UPDATE workflow_instances
        SET status = '{Failed}', updated_at = @Now
        WHERE id = @WorkflowId AND status = '{Running}'
        """;

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
        var held = $"id IN ({ids}) AND (id, attempt) IN ({pairs}) AND status = '{Running}' AND lease_owner = @Owner";
        return $"""
            UPDATE tasks SET lease_expires_at = @LeaseExpiresAt, updated_at = @Now WHERE {held};
            SELECT id FROM tasks WHERE {held} AND lease_expires_at = @LeaseExpiresAt ORDER BY id;
            """;
    }

    /// <summary>
    /// One multi-row INSERT for <paramref name="rowCount"/> rows, whose parameters are suffixed by row index
    /// (<c>@WorkflowId0</c>, <c>@TaskId0</c>, ...), so that a claim logs its whole batch in one statement.
    /// </summary>
    public static string InsertActivityLogs(int rowCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowCount);
        var sql = new StringBuilder(
            "INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at) VALUES ");
        for (var row = 0; row < rowCount; row++)
        {
            sql.Append(row == 0 ? "(" : ", (")
                .Append(CultureInfo.InvariantCulture, $"@WorkflowId{row}, @TaskId{row}, @Action{row}, @Details{row}, @CreatedAt{row})");
        }

        return sql.ToString();
    }

    private static string QuoteIdentifier(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
}
