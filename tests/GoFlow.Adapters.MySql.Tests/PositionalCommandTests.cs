using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// A pooled command comes back empty: a value, a text, a connection or a transaction left over from its last use would
/// be bound to the next statement, or keep a payload alive in the pool. Observed as a user of the pool sees it: what the
/// next use runs on the real server, and what the pooled command still holds.
/// </summary>
internal sealed class PositionalCommandTests : MySqlDatabaseFixture
{
    [Test]
    public async Task Rent_AfterAUseWithMoreValues_RunsOnlyTheNewValues()
    {
        var first = await UseInATransactionAsync("x", 1L, null);

        await using var connection = await OpenAsync();
        await using var second = PositionalCommand.Rent(connection);
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
        var first = await UseInATransactionAsync("x");

        await using var second = PositionalCommand.Rent();

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.SameAs(first), "the pool hands the same command out again");
            Assert.That(second.CommandText, Is.Empty);
        });
    }

    [Test]
    public async Task DisposeAsync_AfterAUse_KeepsNoPayloadConnectionOrTransaction()
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var command = PositionalCommand.Rent(connection, transaction);
        command.CommandText = "SELECT ?";
        command.AddValue("a payload");
        await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
        {
            Assert.That(await reader.ReadAsync(), Is.True);
        }

        await command.DisposeAsync();

        // Read through the command's own private fields (its pooled holders and driver command), which only this test
        // reaches: what the pool holds on to between uses. (Weak references were tried: the runtime keeps an async
        // method's state alive for an unpredictable while, so they failed now and then.)
        Assert.Multiple(() =>
        {
            Assert.That(Field<List<MySqlParameter>>(command, "_holders").Select(holder => holder.Value), Is.All.EqualTo(DBNull.Value),
                "the pooled command let its payload go");
            Assert.That(command.Connection, Is.Null, "the pooled command let its connection go");
            Assert.That(Field<MySqlCommand>(command, "_command").Transaction, Is.Null, "the pooled command let its transaction go");
        });
    }

    [Test]
    public async Task DisposeAsync_Twice_GivesTheCommandBackOnce()
    {
        var command = PositionalCommand.Rent();
        await command.DisposeAsync();
        await command.DisposeAsync();

        await using var first = PositionalCommand.Rent();
        await using var second = PositionalCommand.Rent();

        Assert.That(second, Is.Not.SameAs(first));
    }

    [Test]
    public async Task AddValue_ANullOrASmallOrLargeInt_SendsItAsItIs()
    {
        await using var connection = await OpenAsync();
        await using var command = PositionalCommand.Rent(connection);
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
    private async Task<PositionalCommand> UseInATransactionAsync(params object?[] values)
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var command = PositionalCommand.Rent(connection, transaction);
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

    private static T Field<T>(PositionalCommand command, string name) =>
        (T)typeof(PositionalCommand)
            .GetField(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(command)!;
}
