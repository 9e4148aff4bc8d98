using System.Text;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The values of a batch statement given by position (<c>?</c>), added to its command in the order its text names them.
/// A named value (<c>@Id0</c>) costs the driver, at each use in the text, a string for the name it cuts out and another
/// for the name normalised, and an entry in a name index that grows as values are added: for a group of starts with
/// 21 values a workflow, that was the most the start path allocated (docs/benchmarks.md, issue 16, round four). A
/// positional value is bound by its place, with no name. Used where the values are many (a group of starts, a claim, a group of completions);
/// the text then depends only on the counts, not on names.
/// </summary>
internal static class PositionalValues
{
    /// <summary><c>?, ?, ?</c>: <paramref name="count"/> placeholders, for an <c>IN (...)</c> list.</summary>
    public static StringBuilder AppendPlaceholders(this StringBuilder sql, int count) => sql.AppendRepeated("?", ", ", count);

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

    /// <summary><c>WHEN ? THEN ? WHEN ? THEN ?</c>: <paramref name="count"/> cases, the inside of a <c>CASE</c>.</summary>
    public static StringBuilder AppendWhenThen(this StringBuilder sql, int count) => sql.AppendRepeated("WHEN ? THEN ?", " ", count);

    private static StringBuilder AppendRepeated(this StringBuilder sql, string item, string separator, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        sql.Append(item);
        for (var i = 1; i < count; i++)
        {
            sql.Append(separator).Append(item);
        }

        return sql;
    }
}
