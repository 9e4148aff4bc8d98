using System.Globalization;
using System.Text;
using GoFlow.Domain;

namespace GoFlow.Adapters.MySql;

/// <summary>The SQL of the retention sweep (IWorkflowRetention, in <see cref="MySqlWorkflowRepository"/>): its batch, its locks and its deletes.</summary>
internal static class MySqlRetentionSql
{
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
        WHERE status IN ('{StatusNames.Completed}', '{StatusNames.Failed}', '{StatusNames.Cancelled}') AND updated_at < @FinishedBefore
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
}
