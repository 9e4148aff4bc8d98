using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// The adapter gives each value holder its type itself (<see cref="DriverValueTypes"/>), the one the driver would infer,
/// so that the driver's search of its type table is skipped (observed through the driver's public surface: a given type
/// stays when the value changes, an inferred one follows it); and a pooled holder that held a value of one type sends
/// the next, of another type, intact, on the real server.
/// </summary>
internal sealed class DriverValueTypesTests : MySqlDatabaseFixture
{
    private static readonly DateTime SomeTime = new(2026, 12, 6, 1, 2, 3, 456_789 / 1000, DateTimeKind.Utc);

    private static readonly object[] BoundValues =
    [
        "a payload", Guid.Parse("0192f2a4-5c4e-7d31-9a2b-3c4d5e6f7a8b"), SomeTime, 3, 1_000_000, 5_000_000_000L,
    ];

    [TestCaseSource(nameof(BoundValues))]
    public void Assign_OfABoundType_GivesTheTypeTheDriverInfersForTheValue(object value)
    {
        var holder = new MySqlParameter();

        DriverValueTypes.Assign(holder, value);

        var inferred = new MySqlParameter { Value = value };
        Assert.Multiple(() =>
        {
            Assert.That(holder.Value, Is.EqualTo(value));
            Assert.That(holder.MySqlDbType, Is.EqualTo(inferred.MySqlDbType));
            Assert.That(holder.DbType, Is.EqualTo(inferred.DbType));
        });

        // A parameter keeps a type it was given when handed a value of another type (ADO.NET's contract: only a
        // parameter whose type was never set infers it from its value), so the type was given, not looked up.
        holder.Value = new byte[] { 1 };
        Assert.That(holder.MySqlDbType, Is.EqualTo(inferred.MySqlDbType), "the type was given, so the driver looks nothing up");
    }

    [Test]
    public void Assign_OfAnotherTypeToAHolderThatHadABoundOne_LeavesItToTheDriversInference()
    {
        var holder = new MySqlParameter();
        DriverValueTypes.Assign(holder, Guid.NewGuid());

        DriverValueTypes.Assign(holder, 2.5m);

        Assert.Multiple(() =>
        {
            Assert.That(holder.MySqlDbType, Is.EqualTo(new MySqlParameter { Value = 2.5m }.MySqlDbType), "not the Guid's type");
            Assert.That(holder.DbType, Is.EqualTo(new MySqlParameter { Value = 2.5m }.DbType));
        });
    }

    [Test]
    public void Assign_Null_HoldsDbNull()
    {
        var holder = new MySqlParameter();

        DriverValueTypes.Assign(holder, null);

        Assert.That(holder.Value, Is.EqualTo(DBNull.Value));
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
}
