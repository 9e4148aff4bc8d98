using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// The ways out of an <see cref="InlineTransaction"/> that is not committed (ADR 0034), on the real server. The pool here
/// keeps one session and, unless a test says otherwise, does not reset it when it is taken again
/// (<c>ConnectionReset=false</c>), so a transaction left open would meet the next user; the one way out that does leave
/// it open (a rollback that cannot be sent on a busy session) is shown ended by the default pool's reset.
/// </summary>
internal sealed class InlineTransactionTests : MySqlDatabaseFixture
{
    private const string Insert = "INSERT INTO schedule_states (name, paused, updated_at) VALUES ('not committed', 0, NOW(6));";

    private MySqlDataSource _dataSource = null!;

    [SetUp]
    public void CreateDataSource()
    {
        var connectionString = new MySqlConnectionStringBuilder(Database.ConnectionString) { ConnectionReset = false }.ConnectionString;
        _dataSource = MySqlConnectionSettings.CreateDataSource(new MySqlOptions { ConnectionString = connectionString, MaxOpenConnections = 1 });
    }

    [TearDown]
    public async Task DisposeDataSource() => await _dataSource.DisposeAsync();

    [Test]
    public async Task RollbackAsync_CancelledBeforeItIsSent_LeavesTheTransactionForDisposeToEnd()
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using (var transaction = new InlineTransaction(connection))
        {
            await BeginWithAnInsertAsync(connection, transaction);

            Assert.That(
                async () => await transaction.RollbackAsync(new CancellationToken(canceled: true)),
                Throws.InstanceOf<OperationCanceledException>());
            Assert.That(await InTransactionAsync(connection), Is.True, "the cancelled rollback was not sent");
        }

        Assert.That(await InTransactionAsync(connection), Is.False, "the transaction left open after the disposal");
        await AssertTheInsertIsGoneAsync();
    }

    /// <summary>
    /// What holds when the rollback cannot be sent on a live session (a reader left open): with the pool's reset, on by
    /// default, the next user still meets no transaction. (Without the reset it would: the driver cannot be made to
    /// discard a data source's session from here; ADR 0034.)
    /// </summary>
    [Test]
    public async Task DisposeAsync_RollbackCannotBeSentOnABusySession_TheDefaultPoolsResetEndsItBeforeTheNextUse()
    {
        await using var resettingPool = MySqlConnectionSettings.CreateDataSource(
            new MySqlOptions { ConnectionString = Database.ConnectionString, MaxOpenConnections = 1 });
        await using (var connection = await resettingPool.OpenConnectionAsync())
        {
            var transaction = new InlineTransaction(connection);
            await BeginWithAnInsertAsync(connection, transaction);
            await using var busy = new MySqlCommand("SELECT 1 UNION ALL SELECT 2;", connection);
            await using var reader = await busy.ExecuteReaderAsync();

            Assert.That(async () => await transaction.DisposeAsync(), Throws.Nothing);
        }

        await using var next = await resettingPool.OpenConnectionAsync();
        Assert.That(await InTransactionAsync(next), Is.False, "the next user's session is inside the old transaction");
        await AssertTheInsertIsGoneAsync();
    }

    [Test]
    public async Task DisposeAsync_SessionKilledBeforeTheRollback_NeverThrowsAndThePoolServesALiveSession()
    {
        long killed;
        await using (var connection = await _dataSource.OpenConnectionAsync())
        {
            killed = connection.ServerThread;
            var transaction = new InlineTransaction(connection);
            await BeginWithAnInsertAsync(connection, transaction);

            // Another session kills this one: the server rolls its transaction back, and the client learns of it only
            // when it sends the rollback.
            await Database.ExecuteAsync($"KILL {killed}");

            Assert.That(async () => await transaction.DisposeAsync(), Throws.Nothing);
        }

        await using var next = await _dataSource.OpenConnectionAsync();
        await using var command = new MySqlCommand("SELECT CONNECTION_ID();", next);
        Assert.That(Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture), Is.Not.EqualTo(killed));
        await AssertTheInsertIsGoneAsync();
    }

    private static async Task BeginWithAnInsertAsync(MySqlConnection connection, InlineTransaction transaction)
    {
        await using var command = new MySqlCommand(InlineTransaction.Begin(Insert), connection);
        transaction.Begun();
        await command.ExecuteNonQueryAsync();
        Assert.That(await InTransactionAsync(connection), Is.True, "the begin opened a transaction");
    }

    private static async Task<bool> InTransactionAsync(MySqlConnection connection)
    {
        await using var command = new MySqlCommand("SELECT @@in_transaction;", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>From a session of its own, after the session that inserted is gone or reused: the row was never committed.</summary>
    private async Task AssertTheInsertIsGoneAsync() =>
        Assert.That(await Database.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schedule_states"), Is.Zero);
}
