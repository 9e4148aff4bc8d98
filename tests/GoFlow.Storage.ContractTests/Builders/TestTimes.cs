namespace GoFlow.Storage.ContractTests.Builders;

/// <summary>The times the contract writes. Stores keep microseconds, so every time here is a whole microsecond.</summary>
public static class TestTimes
{
    /// <summary>A fixed instant with a microsecond fraction, to show that a store keeps it.</summary>
    public static readonly DateTimeOffset Start =
        new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);

    /// <summary>The lease a <see cref="ClaimBuilder"/> claim takes unless told otherwise.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>The smallest step a store keeps.</summary>
    public static readonly TimeSpan Microsecond = TimeSpan.FromTicks(10);
}
