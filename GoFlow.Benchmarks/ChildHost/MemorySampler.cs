namespace GoFlow.Benchmarks.ChildHost;

/// <summary>Reads a host process's resident set every 100 ms in the background and keeps the largest and the last.</summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private const double Megabyte = 1024 * 1024;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly HostProcess _host;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;
    private long _last;
    private long _highWater;
    private int _samples;

    public MemorySampler(HostProcess host, TimeProvider time)
    {
        _host = host;
        _loop = SampleAsync(time);
    }

    /// <summary>Stops sampling (reading once more first) and returns what was seen.</summary>
    public async Task<MemoryFigures> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Sample();
        return new MemoryFigures(_peak / Megabyte, _highWater / Megabyte, _last / Megabyte, _samples);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task SampleAsync(TimeProvider time)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                Sample();
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Sample()
    {
        if (_host.ReadResidentSet() is not { } set)
        {
            return;
        }

        _last = set.Current;
        _peak = Math.Max(_peak, set.Current);
        _highWater = Math.Max(_highWater, set.Peak);
        _samples++;
    }
}
