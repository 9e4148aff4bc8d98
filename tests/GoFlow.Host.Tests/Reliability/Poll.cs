using System.Diagnostics;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>Waits for a condition by checking it again and again until a deadline; never a fixed sleep.</summary>
internal static class Poll
{
    /// <summary>The pause between two checks when none is given: short, so that a fleeting state is seen.</summary>
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Checks <paramref name="probe"/> until its value satisfies <paramref name="done"/> and returns that value; at
    /// <paramref name="timeout"/> throws a <see cref="TimeoutException"/> that names what was awaited and the last value.
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        string awaited,
        Func<Task<T>> probe,
        Func<T, bool> done,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        Func<string>? diagnostics = null,
        TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"Timed out after {timeout.TotalSeconds:0}s waiting for {awaited}; last value: {Describe(value)}" +
                    (diagnostics is null ? string.Empty : "\n" + diagnostics()));
            }

            await Task.Delay(interval ?? DefaultInterval, cancellationToken);
        }
    }

    private static string Describe<T>(T value) => value switch
    {
        IReadOnlyDictionary<string, long> counts => string.Join(", ", counts.Select(kv => $"{kv.Key}={kv.Value}")),
        System.Collections.IEnumerable items and not string => $"[{string.Join(", ", items.Cast<object>().Take(20))}]",
        _ => value?.ToString() ?? "null",
    };
}
