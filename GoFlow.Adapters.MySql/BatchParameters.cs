using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using Dapper;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The values of a batch statement's rows (<c>@Id0</c>, <c>@Output0</c>, ...), handed to the command as they are:
/// Dapper's <see cref="DynamicParameters"/> keeps an object per value and looks its type up again to add it, and a
/// group of 100 completions has about 2,500 values. A value Dapper must expand (a list for <c>IN @Ids</c>), or a template
/// object, goes in <paramref name="statement"/>, whose parameters are added first. <paramref name="capacity"/> is how
/// many values the caller will add, so that the list holding them is not copied as it grows.
/// </summary>
internal sealed class BatchParameters(int capacity = 0, DynamicParameters? statement = null) : SqlMapper.IDynamicParameters
{
    private readonly List<(string Name, object? Value)> _values = new(capacity);

    public void Add(string name, object? value) => _values.Add((name, value));

    /// <summary>Adds the value of row <paramref name="row"/>'s parameter <paramref name="prefix"/> (<c>Id</c> and 0 name <c>@Id0</c>).</summary>
    public void Add(string prefix, int row, object? value) => _values.Add((RowParameterNames.Of(prefix, row), value));

    /// <summary>Adds one value per row under <paramref name="prefix"/>: <c>@Id0</c>, <c>@Id1</c>, ... for the prefix <c>Id</c>.</summary>
    public void AddEach<T>(string prefix, IReadOnlyList<T> values)
    {
        for (var row = 0; row < values.Count; row++)
        {
            Add(prefix, row, values[row]);
        }
    }

    void SqlMapper.IDynamicParameters.AddParameters(IDbCommand command, SqlMapper.Identity identity)
    {
        if (statement is not null)
        {
            ((SqlMapper.IDynamicParameters)statement).AddParameters(command, identity);
        }

        var parameters = ((MySqlCommand)command).Parameters;
        foreach (var (name, value) in _values)
        {
            parameters.Add(new MySqlParameter(name, value ?? DBNull.Value));
        }
    }

    /// <summary>
    /// The names of the first rows' parameters, made once per prefix: formatted per value, they were a string per value
    /// of every batch. The prefixes are the adapter's constants, so this holds a few thousand short strings at most.
    /// </summary>
    private static class RowParameterNames
    {
        private const int CachedRows = 256;
        private static readonly ConcurrentDictionary<string, string[]> Names = new(StringComparer.Ordinal);

        public static string Of(string prefix, int row) => row < CachedRows
            ? Names.GetOrAdd(prefix, static prefix => [.. Enumerable.Range(0, CachedRows).Select(row => Format(prefix, row))])[row]
            : Format(prefix, row);

        private static string Format(string prefix, int row) => prefix + row.ToString(CultureInfo.InvariantCulture);
    }
}
