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

    /// <summary>Appends <paramref name="rows"/> in one round trip, their values by position (<see cref="AddValues"/>).</summary>
    public static async Task AppendAsync(
        IDbTransaction transaction, IReadOnlyList<NewActivity> rows, CancellationToken cancellationToken)
    {
        await using var command = PositionalCommand.Rent((MySqlConnection)transaction.Connection!, (MySqlTransaction)transaction);
        command.CommandText = InsertTexts.For(rows.Count);
        AddValues(command, rows);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Appends <paramref name="rows"/> and commits <paramref name="transaction"/>, in one round trip (ADR 0034): the
    /// last writes of a transaction whose checks all came before.
    /// </summary>
    public static async Task AppendAndCommitAsync(
        MySqlConnection connection, InlineTransaction transaction, IReadOnlyList<NewActivity> rows, CancellationToken cancellationToken)
    {
        await using var command = PositionalCommand.Rent(connection);
        command.CommandText = InsertAndCommitTexts.For(rows.Count);
        AddValues(command, rows);
        await command.ExecuteNonQueryAsync(cancellationToken);
        transaction.Committed();
    }

    /// <summary>The characters <see cref="AppendInsert"/> appends for <paramref name="rowCount"/> rows, for a caller sizing its builder.</summary>
    public static int TextLength(int rowCount) => MySqlTaskQueueSql.InsertActivityLogsInto.Length + 1 + (((3 * ValuesPerRow) + 2) * rowCount);

    /// <summary>
    /// The INSERT texts by row count, up to 256 rows (a group completion writes about two a completion; a larger group
    /// makes its text each time): about 1.2 MB if every count were seen.
    /// </summary>
    private static readonly TextsByCount InsertTexts = new(
        largestCached: 256,
        rowCount => AppendInsert(new StringBuilder(TextLength(rowCount)), rowCount).ToString());

    /// <summary>The same INSERT texts followed by a commit (<see cref="AppendAndCommitAsync"/>).</summary>
    private static readonly TextsByCount InsertAndCommitTexts = new(
        largestCached: 256,
        rowCount => InlineTransaction.Commit(AppendInsert(new StringBuilder(TextLength(rowCount)), rowCount)).ToString());

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
        AppendInsert(sql, rows.Count);
        AddValues(values, rows);
    }

    /// <summary>Appends the text of the INSERT of <paramref name="rowCount"/> rows, whose values <see cref="AddValues"/> adds.</summary>
    public static StringBuilder AppendInsert(StringBuilder sql, int rowCount) =>
        sql.Append(MySqlTaskQueueSql.InsertActivityLogsInto).AppendRows(rowCount, ValuesPerRow).Append(';');

    /// <summary>
    /// Adds the values of <paramref name="rows"/>, in the order the INSERT's columns name them. Rows that follow each
    /// other mostly share a workflow and a time (a step's rows, a group's time), so a row reuses the boxes of the row
    /// before it when its values are the same.
    /// </summary>
    public static void AddValues(PositionalCommand values, IReadOnlyList<NewActivity> rows)
    {
        (Guid Id, object Boxed)? workflowId = null;
        (DateTimeOffset At, object Boxed)? createdAt = null;
        foreach (var row in rows)
        {
            if (workflowId?.Id != row.WorkflowId.Value)
            {
                workflowId = (row.WorkflowId.Value, row.WorkflowId.Value);
            }

            if (createdAt?.At != row.CreatedAt)
            {
                createdAt = (row.CreatedAt, MySqlTime.ToDatabase(row.CreatedAt));
            }

            values.AddValue(workflowId.Value.Boxed);
            values.AddValue(row.TaskId?.Value);
            values.AddValue(row.Action);
            values.AddValue(row.Details);
            values.AddValue(createdAt.Value.Boxed);
        }
    }
}
