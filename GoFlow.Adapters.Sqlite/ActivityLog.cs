using System.Data;
using Dapper;
using GoFlow.Domain;

namespace GoFlow.Adapters.Sqlite;

/// <summary>Appends activity rows inside the caller's transaction.</summary>
internal static class ActivityLog
{
    public static async Task AppendAsync(
        IDbTransaction transaction, IReadOnlyList<NewActivity> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            SqliteTaskQueueSql.InsertActivityLog,
            rows.Select(row => new
            {
                WorkflowId = SqliteIds.ToDatabase(row.WorkflowId),
                TaskId = row.TaskId?.Value,
                row.Action,
                row.Details,
                CreatedAt = SqliteTime.ToDatabase(row.CreatedAt),
            }),
            transaction,
            cancellationToken: cancellationToken));
    }
}
