using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;

namespace GoFlow.Host.Tests.Security;

/// <summary>
/// The real GoFlow.Host as a child process (<c>dotnet GoFlow.Host.dll</c>), configured by environment variables and
/// arguments only, on an SQLite file of its own (no database server), with its whole console output kept. Disposing it
/// kills it, by its pid, if it still runs, and deletes its folder.
/// </summary>
internal sealed class ChildHost : IAsyncDisposable
{
    /// <summary>The first start of a .NET host on a busy two-core machine takes several seconds.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Inherited variables that would configure the child behind the test's back.</summary>
    private static readonly string[] InheritedPrefixesRemoved =
    [
        "DB_", "SERVER_", "MySql__", "Sqlite__", "Storage__", "Api__", "Server__", "Worker__", "Workflows__", "GoFlow__",
        "Logging__", "Kestrel__", "ASPNETCORE_", "DOTNET_ENVIRONMENT", "DOTNET_URLS", "URLS", "HTTP_PORTS", "HTTPS_PORTS",
    ];

    private readonly Process _process;
    private readonly string _folder;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();

    private ChildHost(Process process, string folder)
    {
        _process = process;
        _folder = folder;
    }

    /// <summary>Everything the child wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    public static ChildHost Start(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        StartIn(AppContext.BaseDirectory, environment, arguments);

    /// <summary>Starts the host with <paramref name="workingDirectory"/> as its working directory.</summary>
    public static ChildHost StartIn(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var folder = Directory.CreateTempSubdirectory("goflow-security-").FullName;
        var hostAssembly = Path.Combine(AppContext.BaseDirectory, "GoFlow.Host.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(hostAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var inherited in start.Environment.Keys.ToList())
        {
            if (InheritedPrefixesRemoved.Any(prefix => inherited.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                start.Environment.Remove(inherited);
            }
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Sqlite__Path"] = Path.Combine(folder, "goflow.db");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var child = new ChildHost(process, folder);
        process.OutputDataReceived += (_, line) => child.Append(line.Data);
        process.ErrorDataReceived += (_, line) => child.Append(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the child to exit by itself, and returns its exit code once its output is read to the end.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"GoFlow.Host (pid {_process.Id}) did not exit within {Timeout.TotalSeconds:0}s. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Waits until the child answers HTTP at <paramref name="baseAddress"/>; fails if it exits first.</summary>
    public async Task WaitUntilServingAsync(Uri baseAddress)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"GoFlow.Host exited with code {_process.ExitCode} during start-up. Output:\n{Output}");
            }

            try
            {
                // Any answer at all means it listens; the health path is the one that needs no key.
                using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
                return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but not answering yet.
            }

            if (clock.Elapsed > Timeout)
            {
                Assert.Fail($"GoFlow.Host did not serve within {Timeout.TotalSeconds:0}s. Output:\n{Output}");
            }

            // The pause between two probes, not a stand-in for the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// An address reserved for documentation (RFC 5737) that no interface of this machine has: the kernel refuses to
    /// bind it, so a host told to listen there can never actually listen, even if the check under test were broken.
    /// </summary>
    public static string AddressThisMachineDoesNotHave()
    {
        var local = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(networkInterface => networkInterface.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address.ToString())
            .ToHashSet(StringComparer.Ordinal);
        string[] candidates = ["203.0.113.7", "198.51.100.7", "192.0.2.201"];
        var address = candidates.FirstOrDefault(candidate => !local.Contains(candidate));
        Assert.That(address, Is.Not.Null, $"every documentation address is assigned here ({string.Join(", ", local)})");
        return address!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // Whatever the test did, nothing it started outlives it.
                _process.Kill(entireProcessTree: true);
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_folder, recursive: true);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.AppendLine(line);
        }
    }
}
