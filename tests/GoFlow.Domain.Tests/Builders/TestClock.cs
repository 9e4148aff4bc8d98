namespace GoFlow.Domain.Tests.Builders;

/// <summary>Fixed instants: the domain is handed its time, so tests never read a clock.</summary>
internal static class TestClock
{
    public static readonly DateTimeOffset Start = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static DateTimeOffset Later(int seconds) => Start.AddSeconds(seconds);
}
