using Microsoft.Data.Sqlite;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// The writers' held connection of <see cref="SqliteDatabase"/> and the statements compiled on it, one per statement
/// text, kept while the connection is held.
/// </summary>
internal sealed class SqliteWriterConnection
{
    private readonly Dictionary<string, CompiledStatement> _statements = [];

    public SqliteWriterConnection(SqliteConnection connection)
    {
        Connection = connection;
        Transaction = new SqliteWriteTransaction(connection, Statement);
    }

    public SqliteConnection Connection { get; }

    /// <summary>The connection's write transaction, begun anew by each write.</summary>
    public SqliteWriteTransaction Transaction { get; }

    public CompiledStatement Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = new CompiledStatement(Connection, sql);
            _statements.Add(sql, statement);
        }

        return statement;
    }

    /// <summary>
    /// Takes the file's write lock for the deferred transaction just begun, before any other statement, waiting for
    /// it as long as SQLite's busy_timeout and no longer.
    /// </summary>
    public void TakeWriteLock() => Statement(SqliteSchemaSql.TakeWriteLock).ExecuteNonQuery();

    /// <summary>
    /// Ends the holding: the statements are finalized, and the connection goes back to the pool, or is retired when a
    /// transaction the driver does not know of was left open (its rollback failed too: closing rolls it back) or its file
    /// is no longer at <paramref name="filePath"/>.
    /// </summary>
    public void GiveUp(string filePath)
    {
        var leftOpen = Transaction.IsOpen;
        DisposeStatements();
        if (leftOpen || SqliteFileMoves.HasMoved(Connection, filePath))
        {
            SqliteFileMoves.Retire(Connection);
        }
        else
        {
            Connection.Dispose();
        }
    }

    /// <summary>Finalizes the statements before the connection is let go: they must not outlive its use here.</summary>
    private void DisposeStatements()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        _statements.Clear();
    }
}
