using GoFlow.Domain;

namespace GoFlow.Adapters.Sqlite;

/// <summary>Appends activity rows inside the caller's write transaction.</summary>
internal static class ActivityLog
{
    /// <summary>
    /// The rows in as few INSERTs as <see cref="SqliteTaskQueueSql.MaxActivityRowsPerInsert"/> allows, each compiled once
    /// per row count. Not one run of a one-row INSERT per row: there is no round trip to save, but each statement SQLite
    /// runs reads and writes the table's AUTOINCREMENT counter (sqlite_sequence) and sets up its cursors again, and
    /// activity rows are most of the rows a step writes (docs/benchmarks.md, "Issue 16, round seven: sqlite-seven").
    /// </summary>
    public static void Append(this SqliteDatabase database, SqliteWriteTransaction transaction, IReadOnlyList<NewActivity> rows)
    {
        for (var first = 0; first < rows.Count; first += SqliteTaskQueueSql.MaxActivityRowsPerInsert)
        {
            var count = Math.Min(SqliteTaskQueueSql.MaxActivityRowsPerInsert, rows.Count - first);
            var insert = database.Prepared(transaction, SqliteTaskQueueSql.InsertActivityLogs(count));
            for (var i = 0; i < count; i++)
            {
                var (row, names) = (rows[first + i], SqliteTaskQueueSql.ActivityParameters[i]);
                insert
                    .Bind(names.WorkflowId, row.WorkflowId)
                    .Bind(names.TaskId, row.TaskId?.Value)
                    .Bind(names.Action, row.Action)
                    .Bind(names.Details, row.Details)
                    .Bind(names.CreatedAt, row.CreatedAt);
            }

            insert.ExecuteNonQuery();
        }
    }
}
