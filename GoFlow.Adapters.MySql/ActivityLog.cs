using System.Data;
using System.Text;
using Dapper;
using GoFlow.Domain;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// Appends activity rows inside the caller's transaction, all in one statement, with positional values
/// (<see cref="AppendAsync"/>, <see cref="AppendPositional"/>) or, beside a statement with named ones, named values
/// (<see cref="Insert"/>).
/// </summary>
internal static class ActivityLog
{
    /// <summary>How many values a row takes.</summary>
    public const int ValuesPerRow = 5;

    /// <summary>Appends <paramref name="rows"/> in one round trip, their values by position (<see cref="AppendPositional"/>).</summary>
    public static async Task AppendAsync(
        IDbTransaction transaction, IReadOnlyList<NewActivity> rows, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(capacity: MySqlTaskQueueSql.InsertActivityLogsInto.Length + 1 + (16 * rows.Count));
        await using var command = PositionalCommand.Rent((MySqlConnection)transaction.Connection!, (MySqlTransaction)transaction);
        AppendPositional(sql, command, rows);
        command.Command.CommandText = sql.ToString();
        await command.Command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The one INSERT that appends <paramref name="rows"/>, its values added to <paramref name="parameters"/>, for a
    /// caller that sends it in one round trip with other statements.
    /// </summary>
    public static string Insert(IReadOnlyList<NewActivity> rows, BatchParameters parameters)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            parameters.Add("LogWorkflowId", i, row.WorkflowId.Value);
            parameters.Add("LogTaskId", i, row.TaskId?.Value);
            parameters.Add("LogAction", i, row.Action);
            parameters.Add("LogDetails", i, row.Details);
            parameters.Add("LogCreatedAt", i, MySqlTime.ToDatabase(row.CreatedAt));
        }

        return MySqlTaskQueueSql.InsertActivityLogs(rows.Count);
    }

    /// <summary>
    /// Appends the one INSERT of <paramref name="rows"/> to <paramref name="sql"/> and adds their values by position
    /// (<see cref="PositionalValues"/>), for a caller that sends it after its other statements, in the same round trip.
    /// </summary>
    public static void AppendPositional(StringBuilder sql, PositionalCommand values, IReadOnlyList<NewActivity> rows)
    {
        sql.Append(MySqlTaskQueueSql.InsertActivityLogsInto).AppendRows(rows.Count, ValuesPerRow).Append(';');
        foreach (var row in rows)
        {
            values.AddValue(row.WorkflowId.Value);
            values.AddValue(row.TaskId?.Value);
            values.AddValue(row.Action);
            values.AddValue(row.Details);
            values.AddValue(MySqlTime.ToDatabase(row.CreatedAt));
        }
    }
}
