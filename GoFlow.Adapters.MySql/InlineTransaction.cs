using System.Text;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// A READ COMMITTED transaction (its session set up once by <see cref="SetSessionIsolationAsync"/>) whose begin travels
/// at the head of its first command and whose commit at the tail of its last, instead of a round trip each (ADR 0034).
/// The driver's own transaction costs two round trips more per transaction; a group of starts then takes one round trip
/// in all instead of three.
/// </summary>
/// <remarks>
/// The server runs a command's statements in order and stops at the first that fails, so a commit at the tail runs only
/// when every statement before it succeeded, and the command's success means the commit's: the caller is answered after
/// the durable commit, as before. Disposing a transaction not committed rolls it back, so that a failed statement
/// leaves no transaction open on the pooled connection (a pool without <c>ConnectionReset</c> would hand it on).
/// The driver does not know of this transaction: commands in it are run with no <see cref="MySqlTransaction"/>.
/// </remarks>
internal sealed class InlineTransaction(MySqlConnection connection) : IAsyncDisposable
{
    /// <summary>
    /// What opens the transaction. Its isolation, READ COMMITTED (see <see cref="MySqlTaskQueue"/> on why), is the
    /// session's, set once when the session is taken from the pool (<see cref="SetSessionIsolationAsync"/>), rather than a
    /// <c>SET TRANSACTION</c> parsed and run before every begin.
    /// </summary>
    private const string BeginText = "START TRANSACTION;\n";

    /// <summary>
    /// Makes READ COMMITTED the isolation of every transaction <paramref name="connection"/>'s session begins from now
    /// on: once per session, before its first <see cref="InlineTransaction"/>. It lasts as long as the session is held;
    /// the pool's reset (<c>ConnectionReset</c>, which ADR 0034 keeps on) puts the server's default back when the
    /// session is handed back, so no other user of the pool inherits it.
    /// </summary>
    public static async Task SetSessionIsolationAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string CommitText = "\nCOMMIT;";

    private bool _open;

    private bool _ended;

    /// <summary>The connection the transaction runs on.</summary>
    public MySqlConnection Connection => connection;

    /// <summary>
    /// Whether the transaction was begun and then ended with the server's answer: committed, or rolled back. Its
    /// connection is then outside any transaction and may be used again as it is (<see cref="HeldConnections"/>).
    /// </summary>
    public bool Ended => _ended && !_open;

    /// <summary><paramref name="statements"/> preceded by the begin: the command that carries them opens the transaction.</summary>
    public static string Begin(string statements) => BeginText + statements;

    /// <summary>Puts the begin before <paramref name="statements"/>.</summary>
    public static StringBuilder Begin(StringBuilder statements) => statements.Insert(0, BeginText);

    /// <summary><paramref name="statements"/> (each ended by <c>;</c>) followed by the commit.</summary>
    public static string Commit(string statements) => statements + CommitText;

    /// <summary>Appends the commit to <paramref name="statements"/> (each ended by <c>;</c>).</summary>
    public static StringBuilder Commit(StringBuilder statements) => statements.Append(CommitText);

    /// <summary>The command that carries the begin is about to run: from now on the server may hold a transaction.</summary>
    public void Begun()
    {
        _open = true;
        _ended = false;
    }

    /// <summary>The command that carried the commit has run without an error: the transaction is committed.</summary>
    public void Committed() => End();

    /// <summary>
    /// Commits in a round trip of its own, where the transaction's last statement is followed by a check that may still
    /// roll it back.
    /// </summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("COMMIT;", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        End();
    }

    /// <summary>Ends the transaction without writing anything: nothing was written in it, or what was must not stay.</summary>
    public async Task RollbackAsync(CancellationToken cancellationToken)
    {
        // Marked ended only once the server has said so: a rollback cancelled before it was sent leaves the transaction
        // open, for DisposeAsync to end.
        await using var command = new MySqlCommand("ROLLBACK;", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        End();
    }

    private void End()
    {
        _open = false;
        _ended = true;
    }

    /// <summary>
    /// Rolls back a transaction begun and not committed: a statement failed before the commit's, or the caller left
    /// before sending it. Never throws: it runs on the way out of a failure, whose exception must reach the caller; a
    /// connection that is lost has its transaction rolled back by the server.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_open || connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await RollbackAsync(CancellationToken.None);
        }
#pragma warning disable CA1031 // Best effort on the way out of a failure; see the summary.
        catch (Exception)
#pragma warning restore CA1031
        {
            // The connection is broken: the driver discards a broken session rather than pool it, and the server rolls
            // back the transaction of a session that ends. (A session still busy with a reader left open would go back
            // to the pool inside the transaction, and nothing here can end it: MySqlConnection.ClearPool finds only
            // pools made from connection strings, not a data source's, and the connection holds no credentials for a
            // second one to kill it. The pool's reset, ConnectionReset, on by default, ends it before the next use;
            // GoFlow's callers close their readers before the transaction. ADR 0034.)
            await connection.CloseAsync();
        }
    }
}
