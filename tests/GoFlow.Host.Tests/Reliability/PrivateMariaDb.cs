using System.Diagnostics;
using System.Globalization;
using GoFlow.TestSupport;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>
/// A MariaDB server of this test's own, started with the repository's <c>scripts/mariadb.sh</c> in a temporary data
/// directory on a free port, so that the test can stop and start it without disturbing the shared test server or
/// anyone else's. Disposing it stops the server, whatever state the test left it in, and deletes its data.
/// </summary>
internal sealed class PrivateMariaDb : IAsyncDisposable
{
    /// <summary>The script itself waits up to 60 s for the server; initialising a data directory comes on top.</summary>
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(150);

    private const string ConnectionStringExport = "export GOFLOW_TEST_MYSQL='";

    private OrphanGuard? _orphanGuard;

    private PrivateMariaDb(string dataDirectory, int port)
    {
        DataDirectory = dataDirectory;
        Port = port;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    /// <summary>A server-level connection string (no database), as GOFLOW_TEST_MYSQL holds.</summary>
    public string ServerConnectionString { get; private set; } = string.Empty;

    public static async Task<PrivateMariaDb> StartAsync(CancellationToken cancellationToken)
    {
        var server = new PrivateMariaDb(
            Path.Combine(Path.GetTempPath(), "goflow-reliability-mariadb-" + Guid.NewGuid().ToString("N")[..12]),
            HostProcess.FreeTcpPort());
        try
        {
            await server.StartAgainAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>A connection string to <paramref name="database"/> on this server.</summary>
    public string ConnectionStringFor(string database) => $"{ServerConnectionString};Database={database}";

    /// <summary>Starts the server (again): same data directory, same port.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        var output = await RunScriptAsync("start", cancellationToken);
        var export = output.Split('\n').FirstOrDefault(line => line.StartsWith(ConnectionStringExport, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"mariadb.sh start printed no GOFLOW_TEST_MYSQL line:\n{output}");
        ServerConnectionString = export[ConnectionStringExport.Length..].TrimEnd().TrimEnd('\'');

        // The script detaches the server from its caller (setsid): should this test process die before its teardown,
        // the guard stops the server and deletes its data.
        var pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(DataDirectory, "mysqld.pid"), cancellationToken), CultureInfo.InvariantCulture);
        _orphanGuard?.Dispose();
        _orphanGuard = OrphanGuard.Watch(pid, DataDirectory, "TERM", thenRun: $"rm -rf '{DataDirectory}'");
    }

    /// <summary>Stops the server; the script returns once mariadbd has exited.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => RunScriptAsync("stop", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Not the test's token: the server is stopped even when the test was cancelled.
            await RunScriptAsync("stop", CancellationToken.None);
        }
        finally
        {
            _orphanGuard?.Dispose();
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
    }

    private async Task<string> RunScriptAsync(string command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(TestDatabase.RepositoryRoot, "scripts", "mariadb.sh"), command },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GOFLOW_DB_DIR"] = DataDirectory;
        start.Environment["GOFLOW_DB_PORT"] = Port.ToString(CultureInfo.InvariantCulture);

        using var script = Process.Start(start)!;
        var stdout = script.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = script.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ScriptTimeout);
        try
        {
            await script.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            script.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/mariadb.sh {command} did not finish within {ScriptTimeout.TotalSeconds:0}s:\n{await stderr}");
        }

        if (script.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"scripts/mariadb.sh {command} exited with {script.ExitCode} (data {DataDirectory}, port {Port}):\n{await stderr}");
        }

        return await stdout;
    }
}
