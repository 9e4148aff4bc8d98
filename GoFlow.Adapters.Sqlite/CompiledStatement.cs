using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// A statement compiled once on the writers' connection (<see cref="SqliteDatabase.Prepared"/>) and run through SQLite's
/// own interface (SQLitePCL, the layer Microsoft.Data.Sqlite is built on): its parameters' positions are looked up once,
/// when it is compiled, and a run binds each value at its position, steps the statement and resets it.
/// </summary>
/// <remarks>
/// Why not a <see cref="SqliteCommand"/>: each run of one, even compiled, makes a data reader, a binder per value, looks
/// each parameter's position up by name again and checks every parameter of the statement; for the handful of
/// statements every task step runs, that was a share of the step's CPU (docs/benchmarks.md, "Issue 16, round four: the
/// engine's CPU per step"). Failures are Microsoft.Data.Sqlite's <see cref="SqliteException"/>, as a command's are, so
/// <see cref="SqliteDatabase"/> tells a busy or unusable file from a bug the same way. Each run ends by resetting the
/// statement and clearing its values, so that a statement is never left in progress (which would hold up the commit)
/// and a value left unbound by mistake is NULL rather than the last run's.
/// </remarks>
internal sealed class CompiledStatement : IDisposable
{
    private readonly sqlite3 _connection;
    private readonly sqlite3_stmt _statement;
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);

    public CompiledStatement(SqliteConnection connection, string sql)
    {
        _connection = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var result = raw.sqlite3_prepare_v3(_connection, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement, out var rest);
        SqliteException.ThrowExceptionForRC(result, _connection);
        if (!string.IsNullOrWhiteSpace(rest))
        {
            _statement.Dispose();
            throw new ArgumentException("A compiled statement holds one SQL statement.", nameof(sql));
        }

        for (var position = 1; position <= raw.sqlite3_bind_parameter_count(_statement); position++)
        {
            _positions.Add(raw.sqlite3_bind_parameter_name(_statement, position).utf8_to_string(), position);
        }
    }

    // Each Bind sets the parameter of that name (with its @) to the value, null being SQL NULL. A name the statement does
    // not use is passed over, as a command's extra parameters are: statements that share a caller take the same values.

    public CompiledStatement Bind(string name, long value) =>
        _positions.TryGetValue(name, out var position) ? Check(raw.sqlite3_bind_int64(_statement, position, value)) : this;

    public CompiledStatement Bind(string name, long? value) =>
        value is { } number ? Bind(name, number) : BindNull(name);

    public CompiledStatement Bind(string name, string? value) =>
        value is null
            ? BindNull(name)
            : _positions.TryGetValue(name, out var position)
                ? Check(raw.sqlite3_bind_text16(_statement, position, value.AsSpan()))
                : this;

    /// <summary>Runs the statement to its end.</summary>
    /// <returns>The rows it changed.</returns>
    public int ExecuteNonQuery()
    {
        try
        {
            while (Step())
            {
            }

            return raw.sqlite3_changes(_connection);
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Runs the statement: the first column of its first row (a long, a double or a string), or null.</summary>
    public object? ExecuteScalar()
    {
        using var rows = ExecuteReader();
        return !rows.Read() || rows.IsDBNull(0)
            ? null
            : raw.sqlite3_column_type(_statement, 0) switch
            {
                raw.SQLITE_INTEGER => rows.GetInt64(0),
                raw.SQLITE_FLOAT => raw.sqlite3_column_double(_statement, 0),
                _ => rows.GetString(0),
            };
    }

    /// <summary>Runs the statement, one row per <see cref="Rows.Read"/>; disposing the rows ends the run.</summary>
    public Rows ExecuteReader() => new(this);

    public void Dispose() => _statement.Dispose();

    private CompiledStatement BindNull(string name) =>
        _positions.TryGetValue(name, out var position) ? Check(raw.sqlite3_bind_null(_statement, position)) : this;

    private CompiledStatement Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            Reset();
            SqliteException.ThrowExceptionForRC(result, _connection);
        }

        return this;
    }

    /// <summary>Steps the statement: true when it stands on a row, false when it has run to its end.</summary>
    private bool Step()
    {
        var result = raw.sqlite3_step(_statement);
        if (result is raw.SQLITE_ROW or raw.SQLITE_DONE)
        {
            return result == raw.SQLITE_ROW;
        }

        SqliteException.ThrowExceptionForRC(result, _connection);
        return false;
    }

    private void Reset()
    {
        // The step's error, if any, was thrown already; reset answers it again, so its result is not checked here.
        _ = raw.sqlite3_reset(_statement);
        _ = raw.sqlite3_clear_bindings(_statement);
    }

    /// <summary>The rows of one run of a statement, read one at a time; disposing them ends the run.</summary>
    internal readonly struct Rows(CompiledStatement statement) : IDisposable
    {
        /// <summary>Moves to the next row: false when there is none.</summary>
        public bool Read() => statement.Step();

        public long GetInt64(int column) => raw.sqlite3_column_int64(statement._statement, column);

        public string GetString(int column) => raw.sqlite3_column_text(statement._statement, column).utf8_to_string();

        public bool IsDBNull(int column) => raw.sqlite3_column_type(statement._statement, column) == raw.SQLITE_NULL;

        public void Dispose() => statement.Reset();
    }
}
