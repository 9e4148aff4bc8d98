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

    /// <inheritdoc cref="CommonWorkflowSql.SelectWorkflowByKey"/>
    public const string SelectWorkflowByKey = CommonWorkflowSql.SelectWorkflowByKey;

    /// <summary>Inserts a workflow's first task, with the workflow.</summary>
    public const string InsertTask = """
        INSERT INTO tasks
            (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload, scheduled_at,
             created_at, updated_at)
        VALUES
            (@WorkflowId, @StepIndex, @TaskName, @Status, @Attempt, @MaxAttempts, @InputPayload, @ScheduledAt,
             @CreatedAt, @UpdatedAt)
        """;

    /// <inheritdoc cref="CommonWorkflowSql.SelectWorkflowAndTasks"/>
    public const string SelectWorkflowAndTasks = CommonWorkflowSql.SelectWorkflowAndTasks;

    /// <inheritdoc cref="CommonWorkflowSql.SelectActivity"/>
    public const string SelectActivity = CommonWorkflowSql.SelectActivity;

    /// <summary>
    /// One page of the list, newest first: at most @Limit rows (the caller asks for one more than the page holds, to know
    /// whether another page follows), under <see cref="CommonWorkflowSql.ListPage"/>'s conditions. Every filter combination
    /// reads one of the list indexes (idx_workflow_instances_created, _status_created, _name_created) in order, with no
    /// sort.
    /// </summary>
    public static string ListWorkflows(WorkflowListQuery query) =>
        CommonWorkflowSql.ListPage(CommonWorkflowSql.WorkflowColumns, query);

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

    /// <inheritdoc cref="CommonWorkflowSql.RetryWorkflow"/>
    public static readonly string RetryWorkflow = CommonWorkflowSql.RetryWorkflow;

    /// <inheritdoc cref="CommonWorkflowSql.RetryTask"/>
    public static readonly string RetryTask = CommonWorkflowSql.RetryTask;
}
