using System.Text;
using GoFlow.Adapters.Sql;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The SQL of <see cref="MySqlWorkflowRepository"/>: creating workflows, reading them, and an operator's cancel and
/// retry. Columns are aliased to the names of the row records they fill (MySqlRows.cs), so Dapper maps them without
/// global naming conventions. The transactions follow the lock order of <see cref="MySqlTaskQueueSql"/>.
/// </summary>
internal static class MySqlWorkflowSql
{
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
    /// The texts of a group of starts by the number of workflows, up to 64 (the groups of a few
    /// dozen concurrent callers), about 0.35 MB if every count were seen: the workflows and their first tasks
    /// (<see cref="InsertWorkflowsAndFirstTasks"/>), then their WORKFLOW_CREATED rows (<see cref="ActivityLog.AddValues"/>).
    /// </summary>
    private static readonly TextsByCount CreateManyTexts = new(
        largestCached: 64,
        count => InlineTransaction.Commit(InlineTransaction.Begin(
            ActivityLog.AppendInsert(InsertWorkflowsAndFirstTasks(count), count))).ToString());

    /// <summary>
    /// The text of a group of <paramref name="count"/> starts (<see cref="CreateManyTexts"/>): the whole transaction,
    /// begin and commit included (<see cref="InlineTransaction"/>).
    /// </summary>
    public static string CreateMany(int count) => CreateManyTexts.For(count);

    /// <summary>
    /// New workflows and their first tasks, <paramref name="count"/> of each, in two multi-row INSERTs (workflows first,
    /// for the tasks' foreign key), the caller appending their activity rows. Its values are positional
    /// (<see cref="PositionalValues"/>): every workflow's <see cref="WorkflowValuesPerRow"/> in the order of the
    /// workflow_instances columns named, then every first task's <see cref="TaskValuesPerRow"/> in the order of the tasks
    /// columns named.
    /// </summary>
    public static StringBuilder InsertWorkflowsAndFirstTasks(int count) =>
        // About 75 characters a workflow and its task, and 20 for its activity row: the builder is not copied as it grows.
        new StringBuilder(capacity: 400 + (95 * count))
            .Append("INSERT INTO workflow_instances (id, workflow_name, status, current_input, created_at, updated_at, trace_parent)\nVALUES ")
            .AppendRows(count, WorkflowValuesPerRow)
            .Append(";\nINSERT INTO tasks\n    (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload, scheduled_at,\n")
            .Append("     created_at, updated_at)\nVALUES ")
            .AppendRows(count, TaskValuesPerRow)
            .Append(";\n");

    /// <summary>The values of a workflow in <see cref="InsertWorkflowsAndFirstTasks"/>.</summary>
    public const int WorkflowValuesPerRow = 7;

    /// <summary>The values of a first task in <see cref="InsertWorkflowsAndFirstTasks"/>.</summary>
    public const int TaskValuesPerRow = 10;

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

    /// <inheritdoc cref="CommonWorkflowSql.SelectWorkflowByKey"/>
    public const string SelectWorkflowByKey = CommonWorkflowSql.SelectWorkflowByKey;

    /// <inheritdoc cref="CommonWorkflowSql.SelectWorkflowAndTasks"/>
    public const string SelectWorkflowAndTasks = CommonWorkflowSql.SelectWorkflowAndTasks;

    /// <inheritdoc cref="CommonWorkflowSql.SelectActivity"/>
    public const string SelectActivity = CommonWorkflowSql.SelectActivity;

    /// <summary>
    /// One page of the list, newest first: at most @Limit rows (the caller asks for one more than the page holds, to know
    /// whether another page follows), under <see cref="CommonWorkflowSql.ListPage"/>'s conditions. Each filter combination reads
    /// one list index in order, with no sort, forced: left to itself the optimizer may read a status's or a name's rows
    /// from the newest on and skip those before the position, which it takes to be few, so that a late page would
    /// cost more than the first.
    /// </summary>
    public static string ListWorkflows(WorkflowListQuery query) =>
        CommonWorkflowSql.ListPage(CommonWorkflowSql.WorkflowColumns, query, ListIndexHint(query));

    /// <summary>The list index a page with <paramref name="query"/>'s filters reads (see <see cref="ListWorkflows"/>), forced.</summary>
    public static string ListIndexHint(WorkflowListQuery query)
    {
        var index = query.Status is not null ? "idx_workflow_instances_status_created"
            : query.WorkflowName is not null ? "idx_workflow_instances_name_created"
            : "idx_workflow_instances_created";
        return $"FORCE INDEX ({index})";
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

    /// <inheritdoc cref="CommonWorkflowSql.RetryTask"/>
    public static readonly string RetryTask = CommonWorkflowSql.RetryTask;

    /// <inheritdoc cref="CommonWorkflowSql.RetryWorkflow"/>
    public static readonly string RetryWorkflow = CommonWorkflowSql.RetryWorkflow;
}
