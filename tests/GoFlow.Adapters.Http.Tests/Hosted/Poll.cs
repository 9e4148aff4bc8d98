using System.Diagnostics;

namespace GoFlow.Adapters.Http.Tests.Hosted;

internal static class Poll
{
    /// <summary>Reads until <paramref name="done"/> holds, failing with the last value read once the deadline passes.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0}s waiting for {what}; last read: {value}");
            }

            // A short pause between reads, not a wait standing in for the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
