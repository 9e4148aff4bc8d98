using System.Text;
using GoFlow.Domain;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The values of a batch statement given by position (<c>?</c>), added to its command in the order its text names them.
/// A named value (<c>@Id0</c>) costs the driver, at each use in the text, a string for the name it cuts out and another
/// for the name normalised, and an entry in a name index that grows as values are added: for a group of starts with
/// 21 values a workflow, that was the most the start path allocated (docs/benchmarks.md, issue 16, round four). A
/// positional value is bound by its place, with no name. Used where the values are many (a group of starts, a claim);
/// the text then depends only on the counts, not on names.
/// </summary>
internal static class PositionalValues
{
    /// <summary><c>?, ?, ?</c>: <paramref name="count"/> placeholders, for an <c>IN (...)</c> list.</summary>
    public static StringBuilder AppendPlaceholders(this StringBuilder sql, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        sql.Append('?');
        for (var i = 1; i < count; i++)
        {
            sql.Append(", ?");
        }

        return sql;
    }

    /// <summary><c>(?, ?), (?, ?)</c>: <paramref name="rows"/> rows of <paramref name="valuesPerRow"/> placeholders, for a multi-row <c>VALUES</c>.</summary>
    public static StringBuilder AppendRows(this StringBuilder sql, int rows, int valuesPerRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (").AppendPlaceholders(valuesPerRow).Append(')');
        }

        return sql;
    }

    /// <summary>Adds the next value, the one the next <c>?</c> of the text stands for.</summary>
    public static void AddValue(this MySqlParameterCollection parameters, object? value) =>
        parameters.Add(new MySqlParameter { Value = value ?? DBNull.Value });

    /// <summary>
    /// Appends the one INSERT of <paramref name="rows"/> (<see cref="ActivityRowSql"/>) and adds their values, for a
    /// caller that sends it after its other statements, in the same round trip.
    /// </summary>
    public static void AppendActivityRows(StringBuilder sql, MySqlParameterCollection parameters, IReadOnlyList<NewActivity> rows)
    {
        sql.Append(ActivityRowSql).AppendRows(rows.Count, ActivityValuesPerRow).Append(';');
        foreach (var row in rows)
        {
            parameters.AddValue(row.WorkflowId.Value);
            parameters.AddValue(row.TaskId?.Value);
            parameters.AddValue(row.Action);
            parameters.AddValue(row.Details);
            parameters.AddValue(MySqlTime.ToDatabase(row.CreatedAt));
        }
    }

    /// <summary>The positional counterpart of <see cref="MySqlTaskQueueSql.InsertActivityLogs"/>: its columns, in its order.</summary>
    private const string ActivityRowSql =
        "INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at) VALUES ";

    private const int ActivityValuesPerRow = 5;
}
