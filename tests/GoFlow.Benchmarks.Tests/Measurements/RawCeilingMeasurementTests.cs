using GoFlow.Benchmarks.Engine;
using GoFlow.Benchmarks.Measurements;
using GoFlow.Benchmarks.Raw;
using GoFlow.Benchmarks.Stores;
using GoFlow.TestSupport;

namespace GoFlow.Benchmarks.Tests.Measurements;

/// <summary>
/// The raw replay leaves the rows the engine leaves, on both stores and in both modes: every step claimed by a worker
/// (its worker_id set), a TASK_STARTED and a TASK_COMPLETED row per step, a WORKFLOW_COMPLETED row per workflow. It is
/// the engine's own statements with no worker around them, so a replay that wrote something else would be measuring
/// another engine.
/// </summary>
public sealed class RawCeilingMeasurementTests
{
    private const int Workflows = 40;
    private const int Steps = 3;

    [TestCase(false, Description = "next step left PENDING")]
    [TestCase(true, Description = "next step handed over")]
    [CancelAfter(30_000)]
    public async Task RunAsync_OnSqlite_RecordsEveryStepAsTheEngineDoes(bool handOver, CancellationToken cancellationToken)
    {
        await using var store = new SqliteBenchmarkStore(path: null);

        await RunAndAssertAsync(store, handOver ? RawReplayMode.HandOver : RawReplayMode.Pending, cancellationToken);
    }

    [TestCase(false, Description = "next step left PENDING")]
    [TestCase(true, Description = "next step handed over")]
    [CancelAfter(30_000)]
    public async Task RunAsync_OnMySql_RecordsEveryStepAsTheEngineDoes(bool handOver, CancellationToken cancellationToken)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var store = new MySqlBenchmarkStore(database.ConnectionString);

        await RunAndAssertAsync(store, handOver ? RawReplayMode.HandOver : RawReplayMode.Pending, cancellationToken);
    }

    private static async Task RunAndAssertAsync(BenchmarkStore store, RawReplayMode mode, CancellationToken cancellationToken)
    {
        var options = new BenchmarkOptions { Workflows = Workflows, Steps = Steps, Timeout = TimeSpan.FromSeconds(20) };
        await (await InProcessEngine.StartAsync(options, store, worker: false, cancellationToken)).DisposeAsync();
        using var retries = new StoreRetryCounter();
        var context = new BenchmarkContext(options, store, TimeProvider.System, TextWriter.Null, retries);
        var since = context.Now();

        var result = await new RawCeilingMeasurement(context).RunAsync(mode, batch: 10, connections: 2, cancellationToken);

        Assert.Multiple(async () =>
        {
            Assert.That(result.StepsPerSecond, Is.GreaterThan(0));
            Assert.That(await store.CountActionsAsync(WorkflowNames.Raw, since, "TASK_STARTED", cancellationToken), Is.EqualTo(Workflows * Steps));
            Assert.That(await store.CountActionsAsync(WorkflowNames.Raw, since, "TASK_COMPLETED", cancellationToken), Is.EqualTo(Workflows * Steps));
            Assert.That(await store.CountActionsAsync(WorkflowNames.Raw, since, "WORKFLOW_COMPLETED", cancellationToken), Is.EqualTo(Workflows));
            Assert.That(await CountAsync(store, "t.worker_id IS NULL", since, cancellationToken), Is.Zero, "every step was claimed by a worker");
            Assert.That(await CountAsync(store, "t.status = 'COMPLETED'", since, cancellationToken), Is.EqualTo(Workflows * Steps));
        });
    }

    private static async Task<long> CountAsync(BenchmarkStore store, string condition, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var command = BenchmarkStore.Command(
            connection,
            $"""
            SELECT COUNT(*) FROM workflow_instances w JOIN tasks t ON t.workflow_instance_id = w.id
            WHERE w.workflow_name = @Name AND w.created_at >= @Since AND {condition}
            """,
            ("@Name", WorkflowNames.Raw),
            ("@Since", store.ToDatabase(since)));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
