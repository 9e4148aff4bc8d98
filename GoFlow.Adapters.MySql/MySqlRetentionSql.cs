using GoFlow.Domain;
using static GoFlow.Adapters.MySql.SqlRows;

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
/// Its statements after the batch's are written once, for a fixed number of rows (<see cref="RowsPerStatement"/>,
/// <c>@Row0</c> to <c>@Row255</c>); a part of the batch with fewer rows repeats its last row, which the <c>IN</c> list
/// reads once. So their text is the same for every batch, and a batch of 2,000 workflows is a few dozen statements
/// of a few KB each rather than one statement per row (or one text per batch, each larger than the large object heap's
/// threshold).
/// </para>
/// </remarks>
internal static class MySqlRetentionSql
{
    /// <summary>
    /// How many rows each statement after the batch's names: enough that a batch of 2,000 three-step workflows (about
    /// 24,000 rows) takes about a hundred statements, and few enough that the text of one stays a few KB, below the
    /// large object heap's threshold, and that the server reads its <c>IN</c> list as a list of keys (MariaDB turns
    /// one of 1,000 values or more into a join, in_predicate_conversion_threshold).
    /// </summary>
    public const int RowsPerStatement = 256;

    /// <summary>The parameters' prefix: <c>@Row0</c>, <c>@Row1</c>, ...</summary>
    public const string RowParameter = "Row";

    private static readonly int[] Rows = [.. Enumerable.Range(0, RowsPerStatement)];

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
    /// Four result sets for the workflows <c>@Row0</c>, ... of the batch: their task rows this transaction could lock
    /// (skipping those another holds), how many task rows each has, and the same two for their activity rows. A workflow
    /// the sweep could not lock whole (a cancel or retry of it is under way) is left for a later sweep. Each list of a
    /// workflow's rows is read from the index that starts with the workflow's id, one exact prefix per workflow, so no
    /// row of another workflow is read or locked.
    /// </summary>
    public static readonly string LockChildRows = $"""
        SELECT workflow_instance_id, id
        FROM tasks FORCE INDEX (uq_tasks_workflow_step) WHERE workflow_instance_id IN ({RowList}) FOR UPDATE SKIP LOCKED;

        SELECT workflow_instance_id, COUNT(*)
        FROM tasks WHERE workflow_instance_id IN ({RowList}) GROUP BY workflow_instance_id;

        SELECT workflow_instance_id, id
        FROM activity_logs FORCE INDEX (idx_activity_logs_workflow) WHERE workflow_instance_id IN ({RowList}) FOR UPDATE SKIP LOCKED;

        SELECT workflow_instance_id, COUNT(*)
        FROM activity_logs WHERE workflow_instance_id IN ({RowList}) GROUP BY workflow_instance_id;
        """;

    /// <summary>
    /// The activity rows <c>@Row0</c>, ... (their ids), locked by <see cref="LockChildRows"/>. Children go first, as the
    /// foreign keys require. Each delete is forced onto the primary key: a list of ids is then a list of exact keys, each
    /// one lookup that locks that row and reads no other, where left to itself the optimizer may scan an index and lock,
    /// and wait on, every row it passes.
    /// </summary>
    public static readonly string DeleteActivityRows =
        $"DELETE a FROM activity_logs AS a FORCE INDEX (PRIMARY) WHERE a.id IN ({RowList})";

    /// <summary>The task rows <c>@Row0</c>, ... (their ids), locked by <see cref="LockChildRows"/>; forced onto the primary key as <see cref="DeleteActivityRows"/> is.</summary>
    public static readonly string DeleteTaskRows =
        $"DELETE t FROM tasks AS t FORCE INDEX (PRIMARY) WHERE t.id IN ({RowList})";

    /// <summary>
    /// The signals of the workflows <c>@Row0</c>, ..., uncounted: a finished workflow takes no more signals, so no
    /// delivery holds these rows, and their number is what it was. The primary key starts with the workflow's id, so each
    /// is an exact prefix of it, read without locking the row after.
    /// </summary>
    public static readonly string DeleteSignalRows =
        $"DELETE s FROM workflow_signals AS s FORCE INDEX (PRIMARY) WHERE s.workflow_instance_id IN ({RowList})";

    /// <summary>The workflows <c>@Row0</c>, ..., last, once nothing refers to them; locked by <see cref="SelectFinishedWorkflows"/>.</summary>
    public static readonly string DeleteWorkflowRows =
        $"DELETE w FROM workflow_instances AS w FORCE INDEX (PRIMARY) WHERE w.id IN ({RowList})";

    private static SqlRows RowList => List(Rows, RowParameter);
}
