using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace GoFlow.Benchmarks.ChildHost;

/// <summary>
/// GoFlow.Host run as a child process (<c>dotnet GoFlow.Host.dll</c>, the build output: <c>dotnet run</c> would
/// build first), on 127.0.0.1 and a free port, configured by environment variables only. The caller disposes it,
/// which stops it by its pid: SIGTERM, then SIGKILL if it has not exited within 30 s.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Settings that would point the child somewhere else, inherited from the benchmark's environment.</summary>
    private static readonly string[] InheritedPrefixesToDrop =
    [
        "DB_", "SERVER_", "MySql__", "Sqlite__", "GoFlow__", "Worker__", "Workflows__", "Retention__", "Api__", "Server__",
        "Logging__", "HostOptions__", "OTEL_", "ASPNETCORE_", "DOTNET_ENVIRONMENT", "urls",
    ];

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly TimeProvider _time;

    private HostProcess(Process process, Uri baseAddress, TimeProvider time)
    {
        _process = process;
        BaseAddress = baseAddress;
        _time = time;
    }

    public int Pid => _process.Id;

    public Uri BaseAddress { get; }

    /// <summary>
    /// The host to run: <paramref name="configured"/>, or the repository's GoFlow.Host build of the first of
    /// <paramref name="configurations"/> that has one (Release, then Debug, when none is given), found by walking up
    /// from this program to the folder that holds GoFlow.sln.
    /// </summary>
    public static string FindHostDll(string? configured, params string[] configurations)
    {
        if (configured is not null)
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : throw new FileNotFoundException($"--host-dll {configured} does not exist.");
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "GoFlow.sln")))
            {
                continue;
            }

            configurations = configurations.Length > 0 ? configurations : ["Release", "Debug"];
            foreach (var configuration in configurations)
            {
                var dll = Path.Combine(directory.FullName, "GoFlow.Host", "bin", configuration, "net10.0", "GoFlow.Host.dll");
                if (File.Exists(dll))
                {
                    return dll;
                }
            }

            throw new FileNotFoundException(
                $"No GoFlow.Host build ({string.Join(" or ", configurations)}) under {directory.FullName}: run " +
                $"dotnet build -c {configurations[0]} GoFlow.Host/GoFlow.Host.csproj, or pass --host-dll.");
        }

        throw new FileNotFoundException($"No GoFlow.sln above {AppContext.BaseDirectory}: pass --host-dll.");
    }

    /// <summary>Starts the host; it may not serve yet (see <see cref="WaitUntilReadyAsync"/>).</summary>
    public static HostProcess Launch(string hostDll, IReadOnlyDictionary<string, string> environment, TimeProvider time)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostDll);
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (InheritedPrefixesToDrop.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Server__Host"] = "127.0.0.1";
        start.Environment["Server__Port"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var host = new HostProcess(process, new Uri($"http://127.0.0.1:{port}"), time);
        process.OutputDataReceived += (_, line) => host.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => host.Keep(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until GET /health/ready answers 200; fails when the process exits first or after two minutes.</summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var started = _time.GetTimestamp();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"GoFlow.Host exited with code {_process.ExitCode} during start-up:\n{RecentOutput}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The probe's own timeout: the host is busy starting.
            }

            if (_time.GetElapsedTime(started) > ReadyDeadline)
            {
                throw new TimeoutException($"GoFlow.Host was not ready within {ReadyDeadline}:\n{RecentOutput}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken);
        }
    }

    /// <summary>The resident set now (VmRSS) and the most it has been (VmHWM), in bytes; null once it has exited.</summary>
    public (long Current, long Peak)? ReadResidentSet()
    {
        try
        {
            long current = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    current = Kilobytes(line) * 1024;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line) * 1024;
                }
            }

            return (current, peak);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // SIGTERM, as an orchestrator would: the host stops claiming and releases what it holds.
                using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]))
                {
                    await kill.WaitForExitAsync();
                }

                using var deadline = new CancellationTokenSource(StopDeadline, _time);
                try
                {
                    await _process.WaitForExitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill();
                    await _process.WaitForExitAsync();
                }
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > 50)
            {
                _output.Dequeue();
            }
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
