using GoFlow.Domain;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The SQL of the retention sweep (IWorkflowRetention, in <see cref="MySqlWorkflowRepository"/>): its batch, its locks and
/// its deletes.
/// </summary>
/// <remarks>
/// The sweep never waits for a lock, so it cannot be part of a deadlock although it starts from the workflow rows
/// (ADR 0012): every locking read it makes skips rows another transaction holds, and it deletes only rows it has
/// locked, each statement reaching them by their exact key so that it reads, and locks, no other row. It also never
/// holds up a worker for long: the workflows it takes are finished, and no worker holds their tasks.
/// <para>
/// Its statements after the batch's take their rows as one parameter, <c>@Ids</c>, a JSON array of up to
/// <see cref="IdsPerStatement"/> ids that JSON_TABLE turns into a table (MariaDB 10.6+, MySQL 8.0+), joined first
/// (STRAIGHT_JOIN) to the table whose rows they name, through the index that starts with that id. So each id is one
/// exact lookup, whatever the list's length and the table's size. An <c>IN</c> list would not do: for a list that is a
/// large part of a small table, or of 200 values or more (eq_range_index_dive_limit), MariaDB reads the whole table
/// even with <c>FORCE INDEX (PRIMARY)</c>, and locks, or waits on, every row it passes. One statement per row, which
/// the sweep used before, was safe too, but cost it about 12 statements per three-step workflow.
/// </para>
/// </remarks>
internal static class MySqlRetentionSql
{
    /// <summary>
    /// How many ids one statement after the batch's names at most: a batch of 2,000 three-step workflows (about 24,000
    /// rows) is then about 60 statements, and the JSON of one, 20 KB for row ids and 40 KB for workflow ids, stays below
    /// the large object heap's threshold.
    /// </summary>
    public const int IdsPerStatement = 500;

    /// <summary>The workflows <c>@Ids</c> (a JSON array of their ids), as a table <c>w</c> of one column, <c>id</c>.</summary>
    private const string Workflows =
        "JSON_TABLE(@Ids, '$[*]' COLUMNS (id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin PATH '$')) AS w";

    /// <summary>The task or activity rows <c>@Ids</c> (a JSON array of their ids), as a table <c>r</c> of one column, <c>id</c>.</summary>
    private const string Rows = "JSON_TABLE(@Ids, '$[*]' COLUMNS (id BIGINT PATH '$')) AS r";

    /// <summary>
    /// The batch: up to @MaxWorkflows finished workflows that last changed before @FinishedBefore, read from
    /// idx_workflow_instances_status_updated and locked, skipping those another sweep (or an operator's change) holds, so
    /// sweeps running at once take disjoint batches. No ORDER BY: which old workflows go first does not matter, and
    /// without a sort the read stops, and stops locking, at the batch's last row.
    /// </summary>
    public const string SelectFinishedWorkflows = $"""
        SELECT id
        FROM workflow_instances
        WHERE status IN ('{StatusNames.Completed}', '{StatusNames.Failed}', '{StatusNames.Cancelled}') AND updated_at < @FinishedBefore
        LIMIT @MaxWorkflows
        FOR UPDATE SKIP LOCKED
        """;

    /// <summary>
    /// Four result sets for the workflows <c>@Ids</c> of the batch: their task rows this transaction could lock
    /// (skipping those another holds), how many task rows each has, and the same two for their activity rows. A workflow
    /// the sweep could not lock whole (a cancel or retry of it is under way) is left for a later sweep. Each workflow's
    /// rows are read from the index that starts with its id.
    /// </summary>
    public const string LockChildRows = $"""
        SELECT t.workflow_instance_id, t.id
        FROM {Workflows} STRAIGHT_JOIN tasks AS t FORCE INDEX (uq_tasks_workflow_step) ON t.workflow_instance_id = w.id
        FOR UPDATE SKIP LOCKED;

        SELECT t.workflow_instance_id, COUNT(*)
        FROM {Workflows} STRAIGHT_JOIN tasks AS t FORCE INDEX (uq_tasks_workflow_step) ON t.workflow_instance_id = w.id
        GROUP BY t.workflow_instance_id;

        SELECT a.workflow_instance_id, a.id
        FROM {Workflows} STRAIGHT_JOIN activity_logs AS a FORCE INDEX (idx_activity_logs_workflow) ON a.workflow_instance_id = w.id
        FOR UPDATE SKIP LOCKED;

        SELECT a.workflow_instance_id, COUNT(*)
        FROM {Workflows} STRAIGHT_JOIN activity_logs AS a FORCE INDEX (idx_activity_logs_workflow) ON a.workflow_instance_id = w.id
        GROUP BY a.workflow_instance_id;
        """;

    /// <summary>The activity rows <c>@Ids</c>, locked by <see cref="LockChildRows"/>. Children go first, as the foreign keys require.</summary>
    public const string DeleteActivityRows =
        $"DELETE a FROM {Rows} STRAIGHT_JOIN activity_logs AS a FORCE INDEX (PRIMARY) ON a.id = r.id";

    /// <summary>The task rows <c>@Ids</c>, locked by <see cref="LockChildRows"/>.</summary>
    public const string DeleteTaskRows =
        $"DELETE t FROM {Rows} STRAIGHT_JOIN tasks AS t FORCE INDEX (PRIMARY) ON t.id = r.id";

    /// <summary>
    /// The signals of the workflows <c>@Ids</c>, uncounted: a finished workflow takes no more signals, so no delivery
    /// holds these rows, and their number is what it was. Read by the primary key's first column, the workflow's id.
    /// </summary>
    public const string DeleteSignalRows =
        $"DELETE s FROM {Workflows} STRAIGHT_JOIN workflow_signals AS s FORCE INDEX (PRIMARY) ON s.workflow_instance_id = w.id";

    /// <summary>The workflows <c>@Ids</c>, last, once nothing refers to them; locked by <see cref="SelectFinishedWorkflows"/>.</summary>
    public const string DeleteWorkflowRows =
        $"DELETE i FROM {Workflows} STRAIGHT_JOIN workflow_instances AS i FORCE INDEX (PRIMARY) ON i.id = w.id";
}
