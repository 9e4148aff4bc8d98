using GoFlow.Domain;

namespace GoFlow.Adapters.Sqlite;

/// <summary>The SQL of the retention sweep (IWorkflowRetention, in <see cref="SqliteWorkflowRepository"/>).</summary>
internal static class SqliteRetentionSql
{
    /// <summary>
    /// The retention sweep's batch: up to @MaxWorkflows finished workflows that last changed before @FinishedBefore, read
    /// from idx_workflow_instances_status_updated, in no particular order (as in MySQL: all of them go in the end). The
    /// sweep holds the write lock, so no other writer is between this read and the deletes.
    /// </summary>
    public const string SelectFinishedWorkflows = $"""
        SELECT id
        FROM workflow_instances
        WHERE status IN ('{StatusNames.Completed}', '{StatusNames.Failed}', '{StatusNames.Cancelled}') AND updated_at < @FinishedBefore
        LIMIT @MaxWorkflows
        """;

    /// <summary>The batch's rows, children first as the foreign keys require; answers how many workflows went.</summary>
    public const string DeleteWorkflows = """
        DELETE FROM activity_logs WHERE workflow_instance_id IN @Ids;
        DELETE FROM workflow_signals WHERE workflow_instance_id IN @Ids;
        DELETE FROM tasks WHERE workflow_instance_id IN @Ids;
        DELETE FROM workflow_instances WHERE id IN @Ids;
        SELECT changes();
        """;
}
