namespace GoFlow.Adapters.MySql.Tests.Builders;

internal static class TestTimes
{
    /// <summary>A fixed instant with a microsecond fraction, to show that DATETIME(6) keeps it.</summary>
    public static readonly DateTimeOffset Start =
        new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);

    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
}
