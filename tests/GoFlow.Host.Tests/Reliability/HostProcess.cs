using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>
/// A real GoFlow.Host process (<c>dotnet GoFlow.Host.dll</c>), configured through environment variables only, bound to
/// 127.0.0.1 on a free port, with its stdout and stderr written to a log file for diagnostics. It can be stopped with
/// SIGTERM (a graceful stop) or SIGKILL (a crash), and frozen with SIGSTOP; disposing it always kills it, by its pid,
/// if it still runs.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    /// <summary>Generous: the first start of a .NET host on a busy two-core CI machine takes several seconds.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Inherited variables that would configure the host behind the test's back: the original engine's variables
    /// (the throwaway MariaDB script exports DB_*), GoFlow's own sections and ASP.NET Core's address and environment.
    /// </summary>
    private static readonly string[] InheritedPrefixesRemoved =
    [
        "DB_", "SERVER_", "MySql__", "Sqlite__", "Storage__", "Api__", "Server__", "Worker__", "Workflows__", "GoFlow__",
        "Logging__", "ASPNETCORE_", "DOTNET_ENVIRONMENT", "DOTNET_URLS", "URLS",
    ];

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private OrphanGuard? _orphanGuard;

    private HostProcess(string name, HostSettings settings, int port, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        Settings = settings;
        Port = port;
        _process = process;
        _log = log;
        LogPath = logPath;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>A short name for messages, such as "victim".</summary>
    public string Name { get; }

    public HostSettings Settings { get; }

    public int Port { get; }

    public int Pid => _process.Id;

    public string LogPath { get; }

    /// <summary>A client for the host's HTTP port (the API when the host has the Api role).</summary>
    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts the host and waits until it serves HTTP: GET /workflow-definitions answers 200 on an API host, and
    /// anything at all on a worker-only host (Kestrel listens either way, and it starts after the worker has).
    /// </summary>
    public static async Task<HostProcess> StartAsync(
        string name, HostSettings settings, string logDirectory, CancellationToken cancellationToken)
    {
        var port = FreeTcpPort();
        var logPath = Path.Combine(logDirectory, $"{name}-{port}.log");
        var log = new StreamWriter(logPath, append: false, Encoding.UTF8) { AutoFlush = true };

        var start = new ProcessStartInfo(DotnetPath())
        {
            WorkingDirectory = Path.GetDirectoryName(HostAssemblyPath())!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(HostAssemblyPath());
        foreach (var inherited in start.Environment.Keys.ToList())
        {
            if (InheritedPrefixesRemoved.Any(prefix => inherited.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                start.Environment.Remove(inherited);
            }
        }

        foreach (var (key, value) in settings.ToEnvironment(port))
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(name, settings, port, process, log, logPath);
        process.OutputDataReceived += (_, line) => host.WriteLog("out", line.Data);
        process.ErrorDataReceived += (_, line) => host.WriteLog("err", line.Data);
        host.WriteLog("test", $"starting {name}: {string.Join(' ', settings.ToEnvironment(port).Select(kv => $"{kv.Key}={kv.Value}"))}");
        process.Start();
        host._orphanGuard = OrphanGuard.Watch(process.Id, HostAssemblyPath(), "KILL");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await host.WaitUntilServingAsync(cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>SIGTERM: the host stops as on Ctrl+C or a container stop, gracefully.</summary>
    public Task TerminateAsync(CancellationToken cancellationToken) => SignalAsync("TERM", cancellationToken);

    /// <summary>
    /// SIGSTOP: the process is frozen where it stands, between two instructions, until <see cref="ThawAsync"/> or
    /// <see cref="Kill"/>; it can neither finish nor start anything meanwhile, so what it holds can be read at leisure.
    /// </summary>
    public Task FreezeAsync(CancellationToken cancellationToken) => SignalAsync("STOP", cancellationToken);

    /// <summary>SIGCONT: a frozen process goes on as if nothing happened.</summary>
    public Task ThawAsync(CancellationToken cancellationToken) => SignalAsync("CONT", cancellationToken);

    /// <summary>SIGKILL: the process dies at once, as in a crash or an OOM kill; nothing of it runs after this.</summary>
    public void Kill()
    {
        WriteLog("test", "sending SIGKILL");
        _process.Kill(entireProcessTree: false);
    }

    /// <summary>Waits until the process has exited and its output is read to the end; throws at the timeout.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} (pid {Pid}) did not exit within {timeout.TotalSeconds:0}s.");
        }
    }

    /// <summary>The last lines of the host's output, for a failure message.</summary>
    public string LogTail(int lines = 80)
    {
        string[] all;
        lock (_logLock)
        {
            all = File.ReadAllLines(LogPath);
        }

        return $"--- {Name} (pid {Pid}, port {Port}), last {Math.Min(lines, all.Length)} of {all.Length} lines of {LogPath}:\n" +
            string.Join('\n', all.TakeLast(lines));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                // Whatever the test did, nothing it started outlives it.
                WriteLog("test", "killed at teardown");
                _process.Kill(entireProcessTree: false);
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (InvalidOperationException)
        {
            // The process never started: there is nothing to kill.
        }
        finally
        {
            _orphanGuard?.Dispose();
            _process.Dispose();
            lock (_logLock)
            {
                _log.Dispose();
            }
        }
    }

    private async Task SignalAsync(string signal, CancellationToken cancellationToken)
    {
        WriteLog("test", $"sending SIG{signal}");
        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { $"-{signal}", Pid.ToString(CultureInfo.InvariantCulture) },
            UseShellExecute = false,
        })!;
        await kill.WaitForExitAsync(cancellationToken);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {Pid} ({Name}) exited with {kill.ExitCode}.");
        }
    }

    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var expectOk = Settings.Roles.Contains("Api", StringComparison.OrdinalIgnoreCase);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException(
                    $"{Name} exited with code {_process.ExitCode} during start-up.\n{LogTail()}");
            }

            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(5));
                using var response = await Client.GetAsync(new Uri("/workflow-definitions", UriKind.Relative), attempt.Token);
                if (!expectOk || response.StatusCode == HttpStatusCode.OK)
                {
                    WriteLog("test", $"serving after {clock.Elapsed.TotalSeconds:0.0}s");
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Listening but not answering yet.
            }

            if (clock.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"{Name} did not serve HTTP within {StartTimeout.TotalSeconds:0}s.\n{LogTail()}");
            }

            // The pause between two probes, not a stand-in for the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private void WriteLog(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            try
            {
                _log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {stream} {line}");
            }
            catch (ObjectDisposedException)
            {
                // A line that arrives after teardown closed the log.
            }
        }
    }

    /// <summary>The host assembly built with this test project (its runtimeconfig beside it), else the host's own bin.</summary>
    private static string HostAssemblyPath()
    {
        string[] candidates =
        [
            AppContext.BaseDirectory,
            .. Directory.Exists(Path.Combine(TestSupport.TestDatabase.RepositoryRoot, "GoFlow.Host", "bin"))
                ? Directory.GetDirectories(Path.Combine(TestSupport.TestDatabase.RepositoryRoot, "GoFlow.Host", "bin"), "net*", SearchOption.AllDirectories)
                : [],
        ];
        foreach (var directory in candidates)
        {
            var assembly = Path.Combine(directory, "GoFlow.Host.dll");
            if (File.Exists(assembly) && File.Exists(Path.Combine(directory, "GoFlow.Host.runtimeconfig.json")))
            {
                return assembly;
            }
        }

        throw new FileNotFoundException(
            $"GoFlow.Host.dll with its runtimeconfig.json was found in none of: {string.Join(", ", candidates)}");
    }

    /// <summary>The dotnet the tests run under (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetPath() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    /// <summary>A port free on 127.0.0.1 right now; the host binds it a moment later.</summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
