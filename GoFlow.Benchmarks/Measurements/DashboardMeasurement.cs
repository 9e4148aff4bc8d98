using System.Globalization;
using GoFlow.Application;
using GoFlow.Benchmarks.Stores;
using GoFlow.Domain;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using GoFlow.Ports.Driven;
using GoFlow.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// The dashboard's reads on a large store: seeds finished workflows (most of them two days old, some finished in the
/// last hour, so the throughput chart has its worst case: more completions than its cap), then times the reads the
/// dashboard's overview and list pages make, through the same driving ports its endpoints call (the JSON writing in
/// front of them is left out). A mode of its own, run as <c>GoFlow.Benchmarks dashboard [options]</c>.
/// </summary>
internal sealed class DashboardMeasurement(BenchmarkStore store, TimeProvider time, TextWriter log)
{
    public const string Usage = """
        GoFlow.Benchmarks dashboard [options]: times the dashboard's overview and list reads on a large store
          --mysql "<connection string with Database=>"   MySQL/MariaDB (default: SQLite in a temp file)
          --sqlite <path>       a SQLite file
          --seed <n>            finished workflows to seed two days ago (default 1,000,000; 0 reads the store as it is)
          --recent <n>          finished workflows to seed 20 minutes ago (default 150,000: more than the throughput cap)
          --runs <n>            timed runs of each read, after one warm-up (default 7)
        """;

    private const string SeededName = "DashboardHistory";

    public static async Task<int> RunFromCommandLineAsync(string[] args, TextWriter log, CancellationToken cancellationToken)
    {
        string? mysql = null, sqlite = null;
        long seed = 1_000_000, recent = 150_000;
        var runs = 7;
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--mysql": mysql = value; break;
                case "--sqlite": sqlite = value; break;
                case "--seed": seed = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "--recent": recent = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.\n{Usage}");
            }
        }

        await using BenchmarkStore store = mysql is not null ? new MySqlBenchmarkStore(mysql) : new SqliteBenchmarkStore(sqlite);
        await new DashboardMeasurement(store, TimeProvider.System, log).RunAsync(seed, recent, runs, cancellationToken);
        return 0;
    }

    public async Task RunAsync(long seed, long recent, int runs, CancellationToken cancellationToken)
    {
        using var host = await StartReadersAsync(cancellationToken);
        var now = time.GetUtcNow();
        await SeedAsync(seed, now.AddDays(-2), cancellationToken);
        await SeedAsync(recent, now.AddMinutes(-20), cancellationToken);

        var reads = new (string Name, Func<IServiceProvider, Task<string>> Read)[]
        {
            ("overview (counts, throughput, failures, retention)", async services =>
            {
                var overview = await services.GetRequiredService<IGetWorkflowOverview>().GetAsync(cancellationToken);
                var completed = overview.CountsByStatus[WorkflowStatus.Completed];
                return $"COMPLETED {(completed.Capped ? "> " : string.Empty)}{completed.Value:N0}, " +
                    $"last hour {overview.WorkflowsCompleted.Minutes.Sum(minute => minute.Count):N0} workflows" +
                    (overview.WorkflowsCompleted.Capped ? " (capped)" : string.Empty);
            }),
            ("list, first page, no filter", services => ListAsync(services, Query(), pages: 1, cancellationToken)),
            ("list, first page, status COMPLETED", services => ListAsync(services, Query() with { Status = WorkflowStatus.Completed }, pages: 1, cancellationToken)),
            ("list, first page, by workflow name", services => ListAsync(services, Query() with { WorkflowName = SeededName }, pages: 1, cancellationToken)),
            ("list, pages 1 to 20 in a row, status COMPLETED (keyset)", services => ListAsync(services, Query() with { Status = WorkflowStatus.Completed }, pages: 20, cancellationToken)),
            ("search, an Idempotency-Key nobody used", async services =>
                await services.GetRequiredService<IFindWorkflow>().FindAsync(new FindWorkflowQuery("no-such-key"), cancellationToken) is null
                    ? "not found" : "found"),
        };

        log.WriteLine();
        log.WriteLine($"| read, {store.Name}, {seed + recent:N0} seeded finished workflows | median ms | min ms | max ms | runs | answer |");
        log.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, read) in reads)
        {
            var timings = new List<double>();
            var answer = string.Empty;
            for (var run = 0; run <= runs; run++)
            {
                await using var scope = host.Services.CreateAsyncScope();
                var started = time.GetTimestamp();
                answer = await read(scope.ServiceProvider);
                var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
                // The first run warms the pool and the caches and is not counted.
                if (run > 0)
                {
                    timings.Add(elapsed);
                }
            }

            timings.Sort();
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {timings[timings.Count / 2]:F1} | {timings[0]:F1} | {timings[^1]:F1} | {runs} | {answer} |"));
        }
    }

    // The page of the dashboard's list: 50 workflows.
    private static WorkflowListQuery Query() => new(null, null, null, null, 50, null);

    private static async Task<string> ListAsync(
        IServiceProvider services, WorkflowListQuery query, int pages, CancellationToken cancellationToken)
    {
        var list = services.GetRequiredService<IListWorkflowSummaries>();
        WorkflowSummaryPage page;
        var read = 0;
        do
        {
            page = await list.ListAsync(query, cancellationToken);
            read++;
            query = query with { After = page.Next };
        }
        while (read < pages && page.Next is not null);

        return $"{page.Workflows.Count} workflows on page {read}";
    }

    private async Task SeedAsync(long workflows, DateTimeOffset finishedAt, CancellationToken cancellationToken)
    {
        if (workflows == 0)
        {
            return;
        }

        log.WriteLine($"dashboard: seeding {workflows:N0} finished one-step workflows at {finishedAt:u}");
        var started = time.GetTimestamp();
        await store.SeedAsync(new SeedRequest(SeededName, workflows, 1, Finished: true, finishedAt), cancellationToken);
        log.WriteLine($"dashboard: seeded in {time.GetElapsedTime(started).TotalSeconds:F0} s");
    }

    // The application and the store's adapter, as the host composes them for its API role, retention on (the default).
    private async Task<IHost> StartReadersAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        var settings = new Dictionary<string, string?> { [$"Workflows:{SeededName}:Tasks:0"] = "Noop1" };
        builder.Services.AddGoFlowApplication();
        store.AddEngineStore(builder.Services, settings);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddGoFlowTaskHandler<Engine.NoopHandler>("Noop1");
        // Retention on with its default age, as a worker host reports it, so the overview counts what is due for deletion.
        builder.Services.AddSingleton<IRetentionPolicy>(new DefaultRetention());
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private sealed class DefaultRetention : IRetentionPolicy
    {
        public RetentionSetting? Setting { get; } = new(Enabled: true, new RetentionOptions().MaxAge);
    }
}
