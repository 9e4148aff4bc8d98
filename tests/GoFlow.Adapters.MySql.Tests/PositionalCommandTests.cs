using System.Runtime.CompilerServices;
using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// A pooled command comes back empty: a value, a text, a connection or a transaction left over from its last use would
/// be bound to the next statement, or keep a payload alive in the pool. Observed as a user of the pool sees it: what the
/// next use runs on the real server, and what the pool still keeps alive once a use has returned. Each test rents from a
/// pool of its own: what another test, or a host's background work, rents from the process's shared pool meanwhile
/// cannot take the command a test expects back, whatever runs in parallel.
/// </summary>
internal sealed class PositionalCommandTests : MySqlDatabaseFixture
{
    [Test]
    public async Task Rent_AfterAUseWithMoreValues_RunsOnlyTheNewValues()
    {
        var pool = new PositionalCommand.CommandPool();
        var first = await UseInATransactionAsync(pool, "x", 1L, null);

        await using var connection = await OpenAsync();
        await using var second = pool.Rent(connection);
        Assert.That(second, Is.SameAs(first), "the pool hands the same command out again");
        second.CommandText = "SELECT ?, ?";
        second.AddValue("y");
        second.AddValue(2);

        await using var reader = await second.ExecuteReaderAsync(CancellationToken.None);
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(reader.FieldCount, Is.EqualTo(2));
            Assert.That(reader.GetString(0), Is.EqualTo("y"), "the first use's values are not bound again");
            Assert.That(reader.GetInt32(1), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Rent_WithoutAConnectionAfterAUseOnOne_HasNoText()
    {
        var pool = new PositionalCommand.CommandPool();
        var first = await UseInATransactionAsync(pool, "x");

        await using var second = pool.Rent();

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.SameAs(first), "the pool hands the same command out again");
            Assert.That(second.CommandText, Is.Empty);
        });
    }

    [Test]
    public void DisposeAsync_AfterAUse_KeepsNoPayloadConnectionOrTransaction()
    {
        var pool = new PositionalCommand.CommandPool();
        var used = UseAndGiveBack(pool, Database.ConnectionString);

        // What the pool holds on to between uses is what a full collection cannot free: the use ran in a method of its
        // own that has returned, so nothing but the pooled command can still reach the payload, the connection or the
        // transaction it was given. (The use is synchronous: an async method's state machine may keep its locals alive
        // for an unpredictable while, which made an earlier version of this test fail now and then.)
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.Multiple(() =>
        {
            Assert.That(used.Command.Connection, Is.Null, "the pooled command let its connection go");
            Assert.That(used.Payload.IsAlive, Is.False, "the pooled command let its payload go");
            Assert.That(used.Connection.IsAlive, Is.False, "the pooled command let its connection go");
            Assert.That(used.Transaction.IsAlive, Is.False, "the pooled command let its transaction go");
        });
    }

    [Test]
    public async Task DisposeAsync_Twice_GivesTheCommandBackOnce()
    {
        var pool = new PositionalCommand.CommandPool();
        var command = pool.Rent();
        await command.DisposeAsync();
        await command.DisposeAsync();

        await using var first = pool.Rent();
        await using var second = pool.Rent();

        Assert.That(second, Is.Not.SameAs(first));
    }

    [Test]
    public async Task AddValue_ANullOrASmallOrLargeInt_SendsItAsItIs()
    {
        var pool = new PositionalCommand.CommandPool();
        await using var connection = await OpenAsync();
        await using var command = pool.Rent(connection);
        command.CommandText = "SELECT ?, ?, ?";
        command.AddValue(null);
        command.AddValue(3);
        command.AddValue(1_000_000);

        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(reader.IsDBNull(0), Is.True);
            Assert.That(reader.GetInt32(1), Is.EqualTo(3));
            Assert.That(reader.GetInt32(2), Is.EqualTo(1_000_000));
        });
    }

    /// <summary>
    /// Runs <c>SELECT ?, ...</c> with <paramref name="values"/> in a driver's transaction, commits it and gives the
    /// command back: the use a leftover would come from.
    /// </summary>
    private async Task<PositionalCommand> UseInATransactionAsync(
        PositionalCommand.CommandPool pool, params object?[] values)
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var command = pool.Rent(connection, transaction);
        command.CommandText = "SELECT " + string.Join(", ", values.Select(_ => "?"));
        foreach (var value in values)
        {
            command.AddValue(value);
        }

        await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
        {
            Assert.That(await reader.ReadAsync(), Is.True);
        }

        await command.DisposeAsync();
        await transaction.CommitAsync();
        return command;
    }

    private async Task<MySqlConnection> OpenAsync()
    {
        var connection = new MySqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// Uses a pooled command once with a payload made here, on a connection and in a transaction opened here, closes
    /// them and gives the command back; answers the command and weak references to the three, which only the pooled
    /// command could keep alive once this method has returned. Not inlined, so that its locals end with it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (PositionalCommand Command, WeakReference Payload, WeakReference Connection, WeakReference Transaction)
        UseAndGiveBack(PositionalCommand.CommandPool pool, string connectionString)
    {
        var payload = new string('p', 64);
        using var connection = new MySqlConnection(connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        var command = pool.Rent(connection, transaction);
        command.CommandText = "SELECT ?";
        command.AddValue(payload);
        using (var reader = command.ExecuteReaderAsync(CancellationToken.None).GetAwaiter().GetResult())
        {
            Assert.That(reader.Read(), Is.True);
        }

        // Completes at once: the pool is given the command back synchronously.
        command.DisposeAsync().GetAwaiter().GetResult();
        transaction.Commit();
        return (command, new WeakReference(payload), new WeakReference(connection), new WeakReference(transaction));
    }
}
