using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// The adapter gives each value holder its type itself (<see cref="DriverValueTypes"/>), the one the driver would infer,
/// so that the driver's search of its type table is skipped (what pins that is the driver's own "type set" flag); and a
/// pooled holder that held a value of one type sends the next, of another type, intact, on the real server.
/// </summary>
internal sealed class DriverValueTypesTests : MySqlDatabaseFixture
{
    private static readonly DateTime SomeTime = new(2026, 12, 6, 1, 2, 3, 456_789 / 1000, DateTimeKind.Utc);

    private static readonly object[] BoundValues =
    [
        "a payload", Guid.Parse("0192f2a4-5c4e-7d31-9a2b-3c4d5e6f7a8b"), SomeTime, 3, 1_000_000, 5_000_000_000L,
    ];

    [TestCaseSource(nameof(BoundValues))]
    public async Task AddValue_OfABoundType_SetsTheDriversOwnTypeWithoutItsLookup(object value)
    {
        await using var command = PositionalCommand.Rent();

        command.AddValue(value);

        var holder = Holders(command)[0];
        Assert.Multiple(() =>
        {
            Assert.That(holder.MySqlDbType, Is.EqualTo(new MySqlParameter { Value = value }.MySqlDbType));
            Assert.That(holder.DbType, Is.EqualTo(new MySqlParameter { Value = value }.DbType));
            Assert.That(HasSetDbType(holder), Is.True, "the type was given, so the driver looks nothing up");
        });
    }

    [Test]
    public async Task AddValue_OfAnotherType_LeavesItToTheDriversInference()
    {
        await using var command = PositionalCommand.Rent();
        command.AddValue(Guid.NewGuid());
        await command.DisposeAsync();

        await using var again = PositionalCommand.Rent();
        again.AddValue(2.5m);

        var holder = Holders(again)[0];
        Assert.Multiple(() =>
        {
            Assert.That(holder.MySqlDbType, Is.EqualTo(new MySqlParameter { Value = 2.5m }.MySqlDbType));
            Assert.That(HasSetDbType(holder), Is.False);
        });
    }

    [Test]
    public async Task PooledHolders_ReusedWithValuesOfOtherTypes_SendEachValueIntact()
    {
        await using var connection = new MySqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        object?[] values = [.. BoundValues, null];

        for (var shift = 0; shift < values.Length; shift++)
        {
            // Each round binds every value in another holder than the round before, so each holder sees every type.
            var shifted = values.Skip(shift).Concat(values.Take(shift)).ToArray();
            await using var command = PositionalCommand.Rent(connection);
            command.CommandText = "SELECT " + string.Join(", ", shifted.Select(_ => "?")) + ";";
            foreach (var value in shifted)
            {
                command.AddValue(value);
            }

            await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
            Assert.That(await reader.ReadAsync(), Is.True);
            for (var i = 0; i < shifted.Length; i++)
            {
                Assert.That(Read(reader, i, shifted[i]), Is.EqualTo(shifted[i] ?? DBNull.Value), $"value {i} of round {shift}");
            }
        }
    }

    /// <summary>Reads column <paramref name="ordinal"/> as the type <paramref name="sent"/> was sent as.</summary>
    private static object Read(MySqlDataReader reader, int ordinal, object? sent) => sent switch
    {
        null => reader.GetValue(ordinal),
        string => reader.GetString(ordinal),
        Guid => reader.GetGuid(ordinal),
        DateTime => DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc),
        int => reader.GetInt32(ordinal),
        long => reader.GetInt64(ordinal),
        _ => throw new ArgumentOutOfRangeException(nameof(sent)),
    };

    private static bool HasSetDbType(MySqlParameter holder) =>
        (bool)typeof(MySqlParameter)
            .GetProperty("HasSetDbType", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(holder)!;

    private static List<MySqlParameter> Holders(PositionalCommand command) =>
        (List<MySqlParameter>)typeof(PositionalCommand)
            .GetField("_holders", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(command)!;
}
