using System.Diagnostics;
using System.Globalization;
using System.Text;
using GoFlow.Adapters.MySql;
using GoFlow.Adapters.Sqlite;
using GoFlow.Application;
using GoFlow.Benchmarks;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using GoFlow.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MySqlConnector;

var options = BenchmarkOptions.Parse(args);
var sqlitePath = Path.Combine(Path.GetTempPath(), $"goflow-bench-{Guid.NewGuid():N}.db");

var builder = Host.CreateApplicationBuilder([]);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var settings = new Dictionary<string, string?>
{
    ["Worker:BatchSize"] = options.Batch.ToString(CultureInfo.InvariantCulture),
    ["Worker:MaxConcurrency"] = options.Concurrency.ToString(CultureInfo.InvariantCulture),
    ["Worker:PollInterval"] = "00:00:00.010",
    ["Retention:Enabled"] = "false",
    ["Workflows:Bench:Tasks:0"] = "Noop1",
    ["Workflows:Bench:Tasks:1"] = "Noop2",
    ["Workflows:Bench:Tasks:2"] = "Noop3",
};
if (options.MySqlConnectionString is null)
{
    settings["Sqlite:Path"] = sqlitePath;
}
else
{
    settings["MySql:ConnectionString"] = options.MySqlConnectionString;
}

builder.Configuration.AddInMemoryCollection(settings);
builder.Services.AddGoFlowApplication();
if (options.MySqlConnectionString is null)
{
    builder.Services.AddGoFlowSqlite();
}
else
{
    builder.Services.AddGoFlowMySql();
}

builder.Services
    .AddGoFlowWorker()
    .AddGoFlowTaskHandler<NoopHandler>("Noop1")
    .AddGoFlowTaskHandler<NoopHandler>("Noop2")
    .AddGoFlowTaskHandler<NoopHandler>("Noop3");

using var host = builder.Build();
var store = options.MySqlConnectionString is null
    ? "SQLite (Microsoft.Data.Sqlite), temp file, same machine"
    : await DescribeMySqlAsync(options.MySqlConnectionString);
await host.StartAsync();

var start = host.Services.GetRequiredService<IStartWorkflow>();
var repository = host.Services.GetRequiredService<IWorkflowRepository>();
var runStart = TimeProvider.System.GetUtcNow();
var stopwatch = Stopwatch.StartNew();

// Several starters, as concurrent API callers would be; the worker runs at the same time.
var ids = new List<WorkflowId>[options.Starters];
var next = -1;
await Task.WhenAll(Enumerable.Range(0, options.Starters).Select(async starter =>
{
    ids[starter] = [];
    while (Interlocked.Increment(ref next) < options.Workflows)
    {
        var result = await start.StartAsync(new StartWorkflowCommand("Bench", null), CancellationToken.None);
        if (result is not StartWorkflowResult.Started started)
        {
            throw new InvalidOperationException($"Start refused: {result}");
        }

        ids[starter].Add(started.Workflow.Id);
    }
}));
var startSeconds = stopwatch.Elapsed.TotalSeconds;
var started = ids.SelectMany(list => list).ToHashSet();

// Wait for all to complete: count this run's COMPLETED workflows, with a deadline.
var deadline = TimeSpan.FromMinutes(10);
List<WorkflowView> completed;
while (true)
{
    completed = await ListCompletedAsync(repository, runStart, started);
    if (completed.Count == started.Count)
    {
        break;
    }

    if (stopwatch.Elapsed > deadline)
    {
        throw new TimeoutException($"{completed.Count} of {started.Count} workflows COMPLETED after {deadline}.");
    }

    await Task.Delay(TimeSpan.FromMilliseconds(250));
}

// The stored times say when the work was done; the wait loop's polling does not blur them.
var firstCreated = completed.Min(w => w.CreatedAt);
var lastCompleted = completed.Max(w => w.UpdatedAt);
var wall = (lastCompleted - firstCreated).TotalSeconds;
var createToCompleted = completed.Select(w => (w.UpdatedAt - w.CreatedAt).TotalMilliseconds).Order().ToArray();

var gaps = new List<double>();
foreach (var id in started.Take(options.ActivitySample))
{
    var activity = await repository.GetActivityAsync(id, CancellationToken.None) ?? [];
    DateTimeOffset? lastCompletedStep = null;
    foreach (var entry in activity)
    {
        if (entry.Action == ActivityAction.TaskCompleted)
        {
            lastCompletedStep = entry.CreatedAt;
        }
        else if (entry.Action == ActivityAction.TaskStarted && lastCompletedStep is { } done)
        {
            gaps.Add((entry.CreatedAt - done).TotalMilliseconds);
            lastCompletedStep = null;
        }
    }
}

gaps.Sort();
await host.StopAsync();

var table = new StringBuilder();
table.AppendLine(CultureInfo.InvariantCulture, $"| figure | value |");
table.AppendLine("|---|---|");
void Row(string figure, string value) => table.AppendLine(CultureInfo.InvariantCulture, $"| {figure} | {value} |");
Row("machine", $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):F1} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
Row("store", store);
Row("run", $"{started.Count} workflows x {BenchmarkOptions.Steps} no-op steps, batch {options.Batch}, concurrency {options.Concurrency}, {options.Starters} starters");
Row("wall time (first create to last COMPLETED)", $"{wall:F2} s (starting all took {startSeconds:F2} s)");
Row("task steps/s", $"{started.Count * BenchmarkOptions.Steps / wall:F0}");
Row("workflows/s", $"{started.Count / wall:F0}");
Row("create to COMPLETED p50 / p95 / p99", Percentiles(createToCompleted));
Row($"step-to-next-step gap p50 / p95 / p99 ({gaps.Count} gaps, {Math.Min(options.ActivitySample, started.Count)} workflows)", Percentiles([.. gaps]));
Row("HTTP POST /workflows per second", "not measured yet");
Row("raw SQL ceiling (engine / raw)", "not measured yet");

Console.WriteLine(table.ToString());
if (options.MarkdownPath is not null)
{
    await File.WriteAllTextAsync(options.MarkdownPath, table.ToString());
}

if (options.MySqlConnectionString is null)
{
    foreach (var file in new[] { sqlitePath, sqlitePath + "-wal", sqlitePath + "-shm" })
    {
        File.Delete(file);
    }
}

return 0;

static string Percentiles(double[] sorted) =>
    sorted.Length == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{At(sorted, 0.50):F1} / {At(sorted, 0.95):F1} / {At(sorted, 0.99):F1} ms");

static double At(double[] sorted, double quantile) =>
    sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

static async Task<List<WorkflowView>> ListCompletedAsync(
    IWorkflowRepository repository, DateTimeOffset since, HashSet<WorkflowId> started)
{
    var result = new List<WorkflowView>();
    WorkflowListPosition? after = null;
    do
    {
        var page = await repository.ListAsync(
            new WorkflowListQuery(WorkflowStatus.Completed, "Bench", since.AddSeconds(-1), null, 1000, after),
            CancellationToken.None);
        result.AddRange(page.Workflows.Where(w => started.Contains(w.Id)));
        after = page.Next;
    }
    while (after is not null);

    return result;
}

static async Task<string> DescribeMySqlAsync(string connectionString)
{
    await using var connection = new MySqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new MySqlCommand("SELECT VERSION(), @@innodb_flush_log_at_trx_commit", connection);
    await using var reader = await command.ExecuteReaderAsync();
    await reader.ReadAsync();
    return string.Create(
        CultureInfo.InvariantCulture,
        $"MySQL-protocol server {reader.GetString(0)}, innodb_flush_log_at_trx_commit={reader.GetValue(1)}, same machine");
}
