using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// A pooled command comes back empty: a value, a text or a connection left over from its last use would be bound to
/// the next statement, or keep a payload alive in the pool.
/// </summary>
public sealed class PositionalCommandTests
{
    [Test]
    public async Task DisposeAsync_ClearsValuesTextConnectionAndTransaction()
    {
        using var connection = new MySqlConnection();
        var command = PositionalCommand.Rent(connection);
        command.AddValue("a payload");
        command.CommandText = "SELECT ?";
        var holder = Holders(command)[0];

        await command.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(command.Values, Is.Empty);
            Assert.That(command.Count, Is.Zero);
            Assert.That(command.CommandText, Is.Empty);
            Assert.That(command.Connection, Is.Null);
            Assert.That(command.Transaction, Is.Null);
            Assert.That(holder.Value, Is.EqualTo(DBNull.Value));
        });
    }

    [Test]
    public async Task Rent_AfterAUseWithMoreValues_BindsOnlyTheNewValuesInOrder()
    {
        await using (var first = PositionalCommand.Rent())
        {
            first.AddValue("x");
            first.AddValue(1L);
            first.AddValue(null);
        }

        await using var second = PositionalCommand.Rent();
        second.AddValue("y");
        second.AddValue(2);

        Assert.That(second.Values, Is.EqualTo(new object[] { "y", 2 }));
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
    public async Task AddValue_ANullOrASmallOrLargeInt_BindsItAsItIs()
    {
        await using var command = PositionalCommand.Rent();
        command.AddValue(null);
        command.AddValue(3);
        command.AddValue(1_000_000);

        Assert.That(command.Values, Is.EqualTo(new object[] { DBNull.Value, 3, 1_000_000 }));
    }

    /// <summary>The pooled command's value holders, which outlive each use (private: nothing but this test reaches them).</summary>
    private static List<MySqlParameter> Holders(PositionalCommand command) =>
        (List<MySqlParameter>)typeof(PositionalCommand)
            .GetField("_holders", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(command)!;
}
