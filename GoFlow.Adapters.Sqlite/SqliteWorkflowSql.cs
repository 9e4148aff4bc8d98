using GoFlow.Adapters.Sql;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// The SQL of <see cref="SqliteWorkflowRepository"/>: creating workflows, reading them, and an operator's cancel and
/// retry. Columns are aliased to the names of the row records they fill (SqliteRows.cs). Times are TEXT in <see cref="SqliteTime"/>'s sortable form, so comparing them as text compares the instants.
/// </summary>
/// <remarks>
/// Every transaction that writes takes the file's lock first (see <see cref="SqliteDatabase"/>), so it holds the one
/// write lock of the file from its first statement: the guards below cannot be raced, and a guard that matches no row
/// means the caller's claim is gone, and no two transactions ever wait on each other, so none can deadlock. The
/// statements still follow the MySQL adapter's lock order (ADR 0012: tasks, then workflow_instances, then
/// activity_logs; a workflow updated before a task is inserted under it), so both adapters read the same way.
/// </remarks>
internal static class SqliteWorkflowSql
{
    /// <summary>The workflow_instances columns a <see cref="WorkflowRow"/> is read from, in its order.</summary>
    private const string WorkflowColumns =
        "id AS Id, workflow_name AS WorkflowName, status AS Status, current_input AS CurrentInput, " +
        "created_at AS CreatedAt, updated_at AS UpdatedAt";

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
    /// WorkflowTask.Retry: PENDING, due at @DueAt, with @FreshAttempts more attempts after the ones used (the attempt number
    /// keeps counting up, so a late write of an earlier attempt stays fenced out); the lease cleared, the error kept.
    /// </summary>
    public static readonly string RetryTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Retry)}, max_attempts = attempt + @FreshAttempts, scheduled_at = @DueAt, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE workflow_instance_id = @Id AND step_index = @StepIndex AND {StatusSql.From(TaskTransitions.Retry)}
        """;
}
