using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// A write transaction on the writers' held connection (<see cref="SqliteDatabase.WriteAsync{T}"/>): begun, committed and
/// rolled back by statements compiled once on that connection, not by Microsoft.Data.Sqlite's
/// <see cref="SqliteTransaction"/>, which compiles <c>BEGIN</c> and <c>COMMIT</c> anew for each transaction and makes a
/// command and a data reader for each (ADR 0022, round six). One per held connection, used by one write at a time.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite does not know of this transaction: a Dapper or <see cref="SqliteCommand"/> statement inside it
/// is given no transaction (the connection has none of the driver's), and runs in this one, which SQLite holds open on
/// the connection.
/// </remarks>
internal sealed class SqliteWriteTransaction
{
    private readonly CompiledStatement _begin;
    private readonly CompiledStatement _commit;
    private readonly CompiledStatement _rollback;

    internal SqliteWriteTransaction(SqliteConnection connection, Func<string, CompiledStatement> statement)
    {
        Connection = connection;
        _begin = statement("BEGIN");
        _commit = statement("COMMIT");
        _rollback = statement("ROLLBACK");
    }

    /// <summary>The writers' held connection the transaction runs on.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>Commits: all the transaction's writes are durable (ADR 0007) when this returns.</summary>
    public Task CommitAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _commit.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    /// <summary>Whether a transaction is open on the connection (begun, and neither committed nor rolled back).</summary>
    internal bool IsOpen => Connection.Handle is { } handle && raw.sqlite3_get_autocommit(handle) == 0;

    /// <summary>A deferred <c>BEGIN</c>: it takes no lock (the caller takes the write lock with its first statement).</summary>
    internal void Begin() => _begin.ExecuteNonQuery();

    /// <summary>Rolls back the transaction the operation left open: it returned without committing.</summary>
    internal void RollBackIfOpen()
    {
        if (IsOpen)
        {
            _rollback.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Rolls back the transaction of an operation that failed, if it is still open, and says nothing of a rollback that
    /// fails too: the operation's exception is the one to report, and the caller then gives up the connection, whose
    /// closing ends the transaction (<see cref="SqliteDatabase"/>).
    /// </summary>
    internal void TryRollBackIfOpen()
    {
        try
        {
            RollBackIfOpen();
        }
#pragma warning disable CA1031 // Best effort on the way out of a failure; see the summary.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
