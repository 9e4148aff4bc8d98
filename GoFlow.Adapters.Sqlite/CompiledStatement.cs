using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using GoFlow.Domain;
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
/// <para>
/// Text is bound as UTF-8, the file's encoding: bound as UTF-16, SQLite converted every value again, with a malloc, when
/// the statement ran (<c>sqlite3VdbeMemTranslate</c>). Ids and times, bound at every step, are written straight to
/// UTF-8 bytes on the stack, with no string made for them. The calls go to SQLite on the statement's raw handle
/// (<see cref="SqliteNative"/>) rather than through SQLitePCL's safe handle, when SQLitePCL runs on the bundled library.
/// </para>
/// </remarks>
// The stack buffers the binds encode into are written before they are read: zeroing them first would be wasted work.
[SkipLocalsInit]
internal sealed unsafe partial class CompiledStatement : IDisposable
{
    // Text up to this many bytes is encoded on the stack; longer text (payloads) in a rented buffer.
    private const int TextOnStack = 512;

    private readonly sqlite3 _connection;
    private readonly sqlite3_stmt _statement;

    // The raw handles, when SQLitePCL runs on the bundled library (SqliteNative.Bundled); zero otherwise. The statement's
    // is valid until Dispose, the connection's while the connection is open, which outlives its compiled statements
    // (SqliteWriterConnection).
    private readonly IntPtr _nativeStatement;
    private readonly IntPtr _nativeConnection;
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);

    public CompiledStatement(SqliteConnection connection, string sql)
        : this(connection, sql, callSqliteDirectly: SqliteNative.Bundled)
    {
    }

    /// <param name="connection">The open connection the statement is compiled on.</param>
    /// <param name="sql">One SQL statement.</param>
    /// <param name="callSqliteDirectly">
    /// Whether to call SQLite on the raw handles (<see cref="SqliteNative"/>), which only the bundled library allows, or
    /// through SQLitePCL; tests run both.
    /// </param>
    internal CompiledStatement(SqliteConnection connection, string sql, bool callSqliteDirectly)
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

        if (callSqliteDirectly)
        {
            _nativeStatement = _statement.DangerousGetHandle();
            _nativeConnection = _connection.DangerousGetHandle();
        }
    }

    // Each Bind sets the parameter of that name (with its @) to the value, null being SQL NULL. A name the statement does
    // not use is passed over, as a command's extra parameters are: statements that share a caller take the same values.

    public CompiledStatement Bind(string name, long value) =>
        _positions.TryGetValue(name, out var position)
            ? Check(_nativeStatement != 0
                ? SqliteNative.BindInt64(_nativeStatement, position, value)
                : raw.sqlite3_bind_int64(_statement, position, value))
            : this;

    public CompiledStatement Bind(string name, long? value) =>
        value is { } number ? Bind(name, number) : BindNull(name);

    public CompiledStatement Bind(string name, string? value)
    {
        if (value is null)
        {
            return BindNull(name);
        }

        if (!_positions.TryGetValue(name, out var position))
        {
            return this;
        }

        var length = value.Length <= TextOnStack / 3 ? value.Length * 3 : Encoding.UTF8.GetByteCount(value);
        if (length <= TextOnStack)
        {
            Span<byte> text = stackalloc byte[TextOnStack];
            return BindText(position, text[..Encoding.UTF8.GetBytes(value, text)]);
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            return BindText(position, rented.AsSpan(0, Encoding.UTF8.GetBytes(value, rented)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Binds a workflow id as <see cref="SqliteIds"/> stores it.</summary>
    public CompiledStatement Bind(string name, WorkflowId value)
    {
        if (!_positions.TryGetValue(name, out var position))
        {
            return this;
        }

        Span<byte> text = stackalloc byte[SqliteIds.Length];
        SqliteIds.Write(value, text);
        return BindText(position, text);
    }

    /// <summary>Binds a time as <see cref="SqliteTime"/> stores it, null being SQL NULL.</summary>
    public CompiledStatement Bind(string name, DateTimeOffset? value)
    {
        if (value is not { } time)
        {
            return BindNull(name);
        }

        if (!_positions.TryGetValue(name, out var position))
        {
            return this;
        }

        Span<byte> text = stackalloc byte[SqliteTime.Length];
        SqliteTime.Write(time, text);
        return BindText(position, text);
    }

    /// <summary>Runs the statement to its end.</summary>
    /// <returns>The rows it changed.</returns>
    public int ExecuteNonQuery()
    {
        try
        {
            while (Step())
            {
            }

            return _nativeConnection != 0 ? SqliteNative.Changes(_nativeConnection) : raw.sqlite3_changes(_connection);
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Runs an INSERT of one row.</summary>
    /// <returns>The row's rowid (its INTEGER PRIMARY KEY), as SQLite's <c>sqlite3_last_insert_rowid</c> answers it.</returns>
    /// <remarks>
    /// Rather than <c>RETURNING id</c>: SQLite runs a RETURNING clause by keeping the changed rows in a temporary table
    /// and stepping through it afterwards, a cost of its own at every step's insert. The connection's last inserted rowid
    /// is this statement's, as nothing else runs on the connection between (the writer holds it).
    /// </remarks>
    public long ExecuteInsert()
    {
        var inserted = ExecuteNonQuery();
        if (inserted != 1)
        {
            throw new InvalidOperationException($"An INSERT of one row inserted {inserted}.");
        }

        return _nativeConnection != 0 ? SqliteNative.LastInsertRowId(_nativeConnection) : raw.sqlite3_last_insert_rowid(_connection);
    }

    /// <summary>Runs the statement: the first column of its first row (a long, a double or a string), or null.</summary>
    public object? ExecuteScalar()
    {
        using var rows = ExecuteReader();
        return !rows.Read() || rows.IsDBNull(0)
            ? null
            : ColumnType(0) switch
            {
                raw.SQLITE_INTEGER => rows.GetInt64(0),
                raw.SQLITE_FLOAT => _nativeStatement != 0
                    ? SqliteNative.ColumnDouble(_nativeStatement, 0)
                    : raw.sqlite3_column_double(_statement, 0),
                _ => rows.GetString(0),
            };
    }

    /// <summary>Runs the statement, one row per <see cref="Rows.Read"/>; disposing the rows ends the run.</summary>
    public Rows ExecuteReader() => new(this);

    public void Dispose() => _statement.Dispose();

    private CompiledStatement BindNull(string name) =>
        _positions.TryGetValue(name, out var position)
            ? Check(_nativeStatement != 0 ? SqliteNative.BindNull(_nativeStatement, position) : raw.sqlite3_bind_null(_statement, position))
            : this;

    /// <summary>Binds UTF-8 text, which SQLite copies before this returns (so the bytes may live on the caller's stack).</summary>
    private CompiledStatement BindText(int position, ReadOnlySpan<byte> text)
    {
        if (_nativeStatement == 0)
        {
            // SQLitePCL pins an empty span as a null pointer, which SQLite binds as NULL; its string overload binds ''.
            return Check(text.IsEmpty
                ? raw.sqlite3_bind_text(_statement, position, string.Empty)
                : raw.sqlite3_bind_text(_statement, position, text));
        }

        // Not a null pointer for empty text either: SQLite binds a null pointer as NULL, and '' must stay ''.
        byte empty = 0;
        fixed (byte* bytes = text)
        {
            return Check(SqliteNative.BindText(_nativeStatement, position, text.IsEmpty ? &empty : bytes, text.Length, SqliteNative.Transient));
        }
    }

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
        var result = _nativeStatement != 0 ? SqliteNative.Step(_nativeStatement) : raw.sqlite3_step(_statement);
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
        if (_nativeStatement != 0)
        {
            _ = SqliteNative.Reset(_nativeStatement);
            _ = SqliteNative.ClearBindings(_nativeStatement);
        }
        else
        {
            _ = raw.sqlite3_reset(_statement);
            _ = raw.sqlite3_clear_bindings(_statement);
        }
    }

    private int ColumnType(int column) =>
        _nativeStatement != 0 ? SqliteNative.ColumnType(_nativeStatement, column) : raw.sqlite3_column_type(_statement, column);
}
