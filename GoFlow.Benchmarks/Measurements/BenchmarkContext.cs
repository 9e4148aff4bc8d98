using GoFlow.Benchmarks.Stores;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>What every measurement needs: the options, the store, the clock and where progress is written.</summary>
/// <param name="Retries">The store transactions run again after a transient conflict, in this process.</param>
internal sealed record BenchmarkContext(
    BenchmarkOptions Options, BenchmarkStore Store, TimeProvider Time, TextWriter Log, StoreRetryCounter Retries)
{
    /// <summary>Now, cut to the microsecond the stores keep, so that "created at or after" finds the rows made from now on.</summary>
    public DateTimeOffset Now()
    {
        var now = Time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }

    public void Say(string message) => Log.WriteLine($"[{Time.GetUtcNow():HH:mm:ss}] {message}");
}
