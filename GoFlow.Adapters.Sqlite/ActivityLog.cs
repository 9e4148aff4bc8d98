using GoFlow.Domain;

namespace GoFlow.Adapters.Sqlite;

/// <summary>Appends activity rows inside the caller's write transaction.</summary>
internal static class ActivityLog
{
    /// <summary>
    /// One run of the compiled insert per row: each run is a call into the library in this process, with no round trip
    /// to save, so there is no multi-row form to build (whose text would change with the number of rows).
    /// </summary>
    public static void Append(this SqliteDatabase database, SqliteWriteTransaction transaction, IReadOnlyList<NewActivity> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var insert = database.Prepared(transaction, SqliteTaskQueueSql.InsertActivityLog);
        foreach (var row in rows)
        {
            insert
                .Bind("@WorkflowId", row.WorkflowId)
                .Bind("@TaskId", row.TaskId?.Value)
                .Bind("@Action", row.Action)
                .Bind("@Details", row.Details)
                .Bind("@CreatedAt", row.CreatedAt)
                .ExecuteNonQuery();
        }
    }
}
