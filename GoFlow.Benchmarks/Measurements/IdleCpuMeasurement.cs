using System.Globalization;
using GoFlow.Application;
using GoFlow.Benchmarks.ChildHost;
using GoFlow.Benchmarks.Stores;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// What waiting workflows cost a worker host (issue 15, ADR 0019): the CPU time of an idle GoFlow.Host child process
/// (Api,Worker, its default settings) over a fixed window, read from /proc/&lt;pid&gt;/stat, first on an empty store,
/// then with N workflows parked in a wait that ends far in the future. Each host is started afresh and left to settle
/// before its window. A mode of its own, run as <c>GoFlow.Benchmarks idle-cpu [options]</c>.
/// </summary>
internal sealed class IdleCpuMeasurement(BenchmarkStore store, string hostDll, TimeProvider time, TextWriter log)
{
    public const string Usage = """
        GoFlow.Benchmarks idle-cpu [options]: CPU time of an idle worker host, without and with waiting workflows
          --mysql "<connection string with Database=>"   MySQL/MariaDB (default: SQLite in a temp file)
          --sqlite <path>       a SQLite file
          --waiting <n>         workflows parked in a 30-day wait (default 100,000)
          --window <seconds>    the idle window measured (default 30)
          --settle <seconds>    the wait after the host is ready, before the window (default 10)
          --runs <n>            hosts measured each way (default 3)
          --host-dll <path>     GoFlow.Host.dll (default: the repository's build, Release preferred)
        """;

    /// <summary>The workflow parked in the wait; its first step waits 30 days, its second is a sample handler.</summary>
    public const string WorkflowName = "Parked";
    private const string WaitStep = "park";
    private static readonly TimeSpan Wait = TimeSpan.FromDays(30);

    /// <summary>The kernel's clock ticks per second, the unit of utime and stime in /proc/&lt;pid&gt;/stat (USER_HZ).</summary>
    private const double TicksPerSecond = 100;

    public static async Task<int> RunFromCommandLineAsync(string[] args, TextWriter log, CancellationToken cancellationToken)
    {
        string? mysql = null, sqlite = null, hostDll = null;
        var waiting = 100_000;
        var window = TimeSpan.FromSeconds(30);
        var settle = TimeSpan.FromSeconds(10);
        var runs = 3;
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--mysql": mysql = value; break;
                case "--sqlite": sqlite = value; break;
                case "--waiting": waiting = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "--window": window = TimeSpan.FromSeconds(int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture)); break;
                case "--settle": settle = TimeSpan.FromSeconds(int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture)); break;
                case "--runs": runs = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "--host-dll": hostDll = value; break;
                default: throw new ArgumentException($"Unknown option {args[i]}.\n{Usage}");
            }
        }

        await using BenchmarkStore store = mysql is not null ? new MySqlBenchmarkStore(mysql) : new SqliteBenchmarkStore(sqlite);
        var measurement = new IdleCpuMeasurement(store, HostProcess.FindHostDll(hostDll), TimeProvider.System, log);
        await measurement.RunAsync(waiting, window, settle, runs, cancellationToken);
        return 0;
    }

    public async Task RunAsync(int waiting, TimeSpan window, TimeSpan settle, int runs, CancellationToken cancellationToken)
    {
        var empty = await MeasureAsync("empty store", runs, window, settle, cancellationToken);
        await ParkAsync(waiting, cancellationToken);
        var parked = await MeasureAsync($"{waiting:N0} waiting", runs, window, settle, cancellationToken);

        log.WriteLine();
        log.WriteLine($"| {store.Name}, idle host over {window.TotalSeconds:F0} s | median CPU s | min | max | % of one core (median) | runs |");
        log.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, seconds) in new[] { ("empty store", empty), ($"{waiting:N0} workflows waiting", parked) })
        {
            var sorted = seconds.Order().ToList();
            var median = sorted[sorted.Count / 2];
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {median:F2} | {sorted[0]:F2} | {sorted[^1]:F2} | {median / window.TotalSeconds * 100:F1} | {sorted.Count} |"));
        }
    }

    private async Task<List<double>> MeasureAsync(string what, int runs, TimeSpan window, TimeSpan settle, CancellationToken cancellationToken)
    {
        var seconds = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            await using var host = HostProcess.Launch(hostDll, HostEnvironment(), time);
            await host.WaitUntilReadyAsync(cancellationToken);
            await Task.Delay(settle, time, cancellationToken);
            var before = CpuSeconds(host.Pid);
            await Task.Delay(window, time, cancellationToken);
            var used = CpuSeconds(host.Pid) - before;
            seconds.Add(used);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"idle-cpu: {what}, run {run}: {used:F2} CPU s in {window.TotalSeconds:F0} s"));
        }

        return seconds;
    }

    /// <summary>The host's settings: its defaults, the store, and the workflow whose first step is the 30-day wait.</summary>
    private Dictionary<string, string> HostEnvironment() =>
        new(store.HostEnvironment, StringComparer.Ordinal)
        {
            ["GoFlow__Roles"] = "Api,Worker",
            [$"Workflows__{WorkflowName}__Tasks__0"] = WaitStep,
            [$"Workflows__{WorkflowName}__Tasks__1"] = ChildHostSettings.StepHandlers[^1],
            [$"Workflows__{WorkflowName}__Waits__{WaitStep}__For"] = Wait.ToString("c", CultureInfo.InvariantCulture),
        };

    /// <summary>
    /// Starts <paramref name="count"/> workflows whose first step waits 30 days, through the domain and the store's
    /// adapter as a start does: each is stored PENDING with its wait's task due in 30 days, as a wait in the middle of a
    /// workflow leaves it once the step before has completed.
    /// </summary>
    private async Task ParkAsync(int count, CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        var settings = new Dictionary<string, string?>();
        builder.Services.AddGoFlowApplication();
        store.AddEngineStore(builder.Services, settings);
        builder.Configuration.AddInMemoryCollection(settings);
        using var seeder = builder.Build();
        await seeder.StartAsync(cancellationToken);
        var repository = seeder.Services.GetRequiredService<IWorkflowRepository>();
        var definition = new WorkflowDefinition(
            WorkflowName, [WaitStep, ChildHostSettings.StepHandlers[^1]], waits: new Dictionary<string, StepWait> { [WaitStep] = StepWait.ForDuration(Wait) });

        log.WriteLine($"idle-cpu: parking {count:N0} workflows in a {Wait.TotalDays:F0}-day wait on {store.Name}");
        var started = time.GetTimestamp();
        const int Batch = 500;
        for (var done = 0; done < count; done += Batch)
        {
            var now = time.GetUtcNow();
            var batch = Enumerable.Range(0, Math.Min(Batch, count - done))
                .Select(_ => WorkflowInstance.Create(definition, """{"order_id":"parked"}""", now))
                .Select(created => new NewWorkflow(created.Workflow, created.FirstTask))
                .ToList();
            await repository.CreateManyAsync(batch, cancellationToken);
        }

        log.WriteLine($"idle-cpu: parked in {time.GetElapsedTime(started).TotalSeconds:F0} s");
        await seeder.StopAsync(cancellationToken);
    }

    /// <summary>The process's CPU time so far, user and system, from fields 14 and 15 of /proc/&lt;pid&gt;/stat.</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count the fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / TicksPerSecond;
    }
}
