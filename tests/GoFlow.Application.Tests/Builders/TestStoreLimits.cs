using GoFlow.Ports.Driven;

namespace GoFlow.Application.Tests.Builders;

/// <summary>The limits a store publishes, as both stores publish them: microsecond times, 4 million payload characters a transaction.</summary>
internal static class TestStoreLimits
{
    public static readonly StoreLimits Microseconds = new(TimeSpan.FromMicroseconds(1), 4_000_000);
}
