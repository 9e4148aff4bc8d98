using NUnit.Framework.Interfaces;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>
/// The host processes one test starts. Teardown kills every one still running (by pid) and, when the test failed,
/// prints the end of each one's log, so a failure can be read without reproducing it.
/// </summary>
internal sealed class HostCluster : IAsyncDisposable
{
    private readonly List<HostProcess> _hosts = [];

    public HostCluster()
    {
        LogDirectory = Path.Combine(Path.GetTempPath(), "goflow-reliability-logs", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(LogDirectory);
    }

    public string LogDirectory { get; }

    public async Task<HostProcess> StartAsync(string name, HostSettings settings, CancellationToken cancellationToken)
    {
        var host = await HostProcess.StartAsync(name, settings, LogDirectory, cancellationToken);
        _hosts.Add(host);
        return host;
    }

    /// <summary>Starts several hosts at once: together they start in about the time of one.</summary>
    public async Task<IReadOnlyList<HostProcess>> StartAllAsync(
        IEnumerable<(string Name, HostSettings Settings)> hosts, CancellationToken cancellationToken)
    {
        var starting = hosts.Select(host => HostProcess.StartAsync(host.Name, host.Settings, LogDirectory, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(starting);
        }
        finally
        {
            // The ones that did start are torn down with the rest, even when another failed to.
            _hosts.AddRange(starting.Where(task => task.IsCompletedSuccessfully).Select(task => task.Result));
        }

        return [.. starting.Select(task => task.Result)];
    }

    /// <summary>The end of every host's log, for a failure message.</summary>
    public string Diagnostics() => string.Join("\n", _hosts.Select(host => host.LogTail()));

    public async ValueTask DisposeAsync()
    {
        var failed = TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed;
        var errors = new List<Exception>();
        foreach (var host in _hosts)
        {
            try
            {
                if (failed)
                {
                    await TestContext.Out.WriteLineAsync(host.LogTail(200));
                }

                await host.DisposeAsync();
            }
#pragma warning disable CA1031 // Every host is torn down even when one of them cannot be.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                errors.Add(exception);
            }
        }

        if (errors.Count > 0)
        {
            throw new AggregateException("Tearing down the host processes failed.", errors);
        }

        if (!failed)
        {
            Directory.Delete(LogDirectory, recursive: true);
        }
    }
}
