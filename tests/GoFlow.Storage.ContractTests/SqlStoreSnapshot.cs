namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="IStorageUnderTest.SnapshotAsync"/> for a store kept in GoFlow's tables: every row of every table, every
/// column, each row a JSON array, in a stable order. The SQL runs alike on MySQL, MariaDB and SQLite (JSON_ARRAY is a
/// function of each, and SQLite reads function names in any case), so the list of what a snapshot covers is written
/// once: a column added to the schema is added here, for every store.
/// </summary>
public static class SqlStoreSnapshot
{
    private static readonly string[] Queries =
    [
        "SELECT JSON_ARRAY(id, workflow_name, status, current_input, created_at, updated_at, idempotency_key, request_fingerprint) FROM workflow_instances ORDER BY id",
        """
        SELECT JSON_ARRAY(id, workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload,
                          output_payload, error_message, lease_owner, lease_expires_at, scheduled_at, created_at, updated_at)
        FROM tasks ORDER BY id
        """,
        "SELECT JSON_ARRAY(id, workflow_instance_id, task_id, action, details, created_at) FROM activity_logs ORDER BY id",
        "SELECT JSON_ARRAY(workflow_instance_id, name, payload, idempotency_key, request_fingerprint, received_at) FROM workflow_signals ORDER BY workflow_instance_id, name",
    ];

    /// <summary>The snapshot, each query run through <paramref name="queryRows"/> (a row's JSON text per row).</summary>
    public static async Task<string> TakeAsync(Func<string, Task<IReadOnlyList<string>>> queryRows)
    {
        var rows = new List<string>();
        foreach (var query in Queries)
        {
            rows.AddRange(await queryRows(query));
        }

        return string.Join('\n', rows);
    }
}
