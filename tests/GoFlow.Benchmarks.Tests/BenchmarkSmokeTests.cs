using GoFlow.Benchmarks.Report;
using GoFlow.TestSupport;

namespace GoFlow.Benchmarks.Tests;

/// <summary>
/// Short runs of the benchmark on both stores, a few hundred workflows each, to keep it working as the engine changes.
/// They check that every figure is measured and reported; they never assert a speed.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    private const int Workflows = 300;
    private const int IdleSamples = 10;
    private const int DrainRuns = 2;

    [Test]
    [CancelAfter(60_000)]
    public async Task RunAsync_ThroughputAndLatencyOnSqlite_MeasuresAndReportsEveryFigure(CancellationToken cancellationToken)
    {
        var result = await RunAsync(LatencyRun(mySql: null), cancellationToken);

        AssertThroughputAndLatency(result);
        Assert.That(result.StoreName, Is.EqualTo("SQLite"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task RunAsync_ThroughputAndLatencyOnMySql_MeasuresAndReportsEveryFigure(CancellationToken cancellationToken)
    {
        await using var database = await TestDatabase.CreateAsync();

        var result = await RunAsync(LatencyRun(database.ConnectionString), cancellationToken);

        AssertThroughputAndLatency(result);
        Assert.That(result.StoreName, Is.EqualTo("MySQL"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task RunAsync_DrainRawAndGrowthOnSqlite_MeasuresEachAndShowsTheClaimPlan(CancellationToken cancellationToken)
    {
        var result = await RunAsync(StoreRun(mySql: null), cancellationToken);

        AssertDrainRawAndGrowth(result);
        Assert.That(result.Growth!.ClaimPlan, Does.Contain("idx_tasks_claim"), "SQLite's planner picks the claim index by rule");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task RunAsync_DrainRawAndGrowthOnMySql_MeasuresEachAndShowsTheClaimPlan(CancellationToken cancellationToken)
    {
        await using var database = await TestDatabase.CreateAsync();

        var result = await RunAsync(StoreRun(database.ConnectionString), cancellationToken);

        AssertDrainRawAndGrowth(result);
        Assert.That(result.Growth!.ClaimPlan, Does.Contain("possible_keys"), "MySQL's EXPLAIN table");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task RunAsync_GrowthWithRetentionOnSqlite_TheSweepDeletesTheSeededWorkflowsAndNoRunsOwn(CancellationToken cancellationToken)
    {
        var result = await RunAsync(RetentionRun(mySql: null), cancellationToken);

        AssertGrowthWithRetention(result);
        Assert.That(result.Growth!.Storage!.Select(snapshot => snapshot.BufferPool), Is.All.Null, "SQLite has no buffer pool of its own");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task RunAsync_GrowthWithRetentionOnMySql_TheSweepDeletesTheSeededWorkflowsAndNoRunsOwn(CancellationToken cancellationToken)
    {
        await using var database = await TestDatabase.CreateAsync();

        var result = await RunAsync(RetentionRun(database.ConnectionString), cancellationToken);

        AssertGrowthWithRetention(result);
        var storage = result.Growth!.Storage!;
        Assert.That(storage[^1].BufferPool!.ReadRequests, Is.GreaterThan(storage[0].BufferPool!.ReadRequests));
        Assert.That(storage.Single(snapshot => snapshot.Label == "after seeding").IndexBytes, Is.GreaterThan(0));
        Assert.That(MarkdownReport.Build(result), Does.Contain("#### Buffer pool (InnoDB) between those steps"));
    }

    private static BenchmarkOptions LatencyRun(string? mySql) => new()
    {
        MySqlConnectionString = mySql,
        Parts = new HashSet<BenchmarkPart> { BenchmarkPart.Throughput, BenchmarkPart.Latency },
        Workflows = Workflows,
        IdleSamples = IdleSamples,
        HalfLoadDuration = TimeSpan.FromSeconds(2),
        Timeout = TimeSpan.FromSeconds(45),
        Repeat = 1,
    };

    private static BenchmarkOptions StoreRun(string? mySql) => new()
    {
        MySqlConnectionString = mySql,
        Parts = new HashSet<BenchmarkPart> { BenchmarkPart.Drain, BenchmarkPart.Raw, BenchmarkPart.Growth },
        Workflows = Workflows,
        SeedFinished = 3_000,
        Timeout = TimeSpan.FromSeconds(45),
        Repeat = DrainRuns,
    };

    private static BenchmarkOptions RetentionRun(string? mySql) => new()
    {
        MySqlConnectionString = mySql,
        Parts = new HashSet<BenchmarkPart> { BenchmarkPart.Throughput, BenchmarkPart.Drain, BenchmarkPart.Growth },
        Workflows = Workflows,
        SeedFinished = 3_000,
        Timeout = TimeSpan.FromSeconds(45),
        Retention = TimeSpan.FromMinutes(1),
        Repeat = 1,
    };

    private static async Task<BenchmarkResult> RunAsync(BenchmarkOptions options, CancellationToken cancellationToken) =>
        await new Benchmark(options, TimeProvider.System, TestContext.Progress).RunAsync(cancellationToken);

    private static void AssertThroughputAndLatency(BenchmarkResult result)
    {
        var report = MarkdownReport.Build(result);
        Assert.Multiple(() =>
        {
            Assert.That(result.Failures, Is.Empty);
            Assert.That(result.Throughput, Is.Not.Null);
            Assert.That(result.Throughput!.Workflows, Is.EqualTo(Workflows));
            Assert.That(result.Throughput.StepsPerSecond, Is.GreaterThan(0));
            Assert.That(result.Throughput.WorkflowsPerSecond, Is.GreaterThan(0));
            Assert.That(result.Throughput.CreateToCompleted.Count, Is.EqualTo(Workflows));
            Assert.That(result.Throughput.StepGap.Count, Is.EqualTo(Workflows * 2), "a gap before each step but the first");
            Assert.That(result.Throughput.CpuMicrosecondsPerStep, Is.GreaterThan(0), "the engine's CPU time per step");
            Assert.That(result.Throughput.AllocatedBytesPerStep, Is.GreaterThan(0), "the engine's allocations per step");

            var idle = result.Latency?.Idle;
            Assert.That(idle, Is.Not.Null);
            Assert.That(idle!.CreateToCompleted.Count, Is.EqualTo(IdleSamples));
            Assert.That(idle.CreateToCompleted.P50, Is.GreaterThan(0));
            Assert.That(idle.StepInterval.Count, Is.EqualTo(IdleSamples * 2));

            var halfLoad = result.Latency?.HalfLoad;
            Assert.That(halfLoad, Is.Not.Null);
            Assert.That(halfLoad!.TargetRate, Is.EqualTo(result.Throughput.WorkflowsPerSecond / 2).Within(1e-9));
            Assert.That(halfLoad.Workflows, Is.GreaterThan(0));
            Assert.That(halfLoad.CreateToCompleted.Count, Is.EqualTo(halfLoad.Workflows));
            Assert.That(halfLoad.CreateToCompleted.P50, Is.GreaterThan(0));
            Assert.That(halfLoad.StepGap.Count, Is.EqualTo(halfLoad.Workflows * 2));

            Assert.That(report, Does.Contain("task steps/s"));
            Assert.That(report, Does.Contain("throughput (the median run): CPU time per task step in the GoFlow process (no-op handler); allocations per task step"));
            Assert.That(report, Does.Contain("idle system, create to COMPLETED p50"));
            Assert.That(report, Does.Contain("pickup at half load"));
            Assert.That(report, Does.Not.Contain("failed (see below)"));
        });
    }

    private static void AssertDrainRawAndGrowth(BenchmarkResult result)
    {
        Assert.Multiple(() =>
        {
            Assert.That(result.Failures, Is.Empty);
            Assert.That(result.Drain?.StepsPerSecond, Is.GreaterThan(0));
            Assert.That(result.DrainRuns, Has.Count.EqualTo(DrainRuns), "the drain is repeated");
            Assert.That(result.DrainRuns!.Select(run => run.ExpiredLeases), Is.All.Zero, "expired leases are counted, and none expired");
            Assert.That(result.DrainRuns!.Select(run => run.CpuMicrosecondsPerStep), Is.All.GreaterThan(0), "CPU time per step, each run");
            Assert.That(result.DrainRuns!.Select(run => run.AllocatedBytesPerStep), Is.All.GreaterThan(0), "allocations per step, each run");
            Assert.That(MarkdownReport.Build(result), Does.Contain(
                "drain: CPU time per task step in the GoFlow process (no-op handler); allocations per task step, median (min–max)"));
            Assert.That(MarkdownReport.Build(result), Does.Contain($"drain: {DrainRuns} runs, task steps/s median (min–max)")
                .And.Contain("writes retried (transient conflicts), leases expired, per run"));
            Assert.That(result.Raw.Select(raw => (raw.Mode, raw.Batch)), Is.EquivalentTo(new[]
            {
                (Raw.RawReplayMode.Pending, result.Options.EngineBatch),
                (Raw.RawReplayMode.HandOver, result.Options.EngineBatch),
                (Raw.RawReplayMode.Pending, 1),
            }));
            Assert.That(result.Raw.Select(raw => raw.StepsPerSecond), Is.All.GreaterThan(0));
            Assert.That(result.Growth, Is.Not.Null);
            Assert.That(result.Growth!.SeededTasks, Is.EqualTo(3_000));
            Assert.That(result.Growth.After.TaskRowsBefore, Is.GreaterThanOrEqualTo(result.Growth.Before.TaskRowsBefore + 3_000));
            Assert.That(result.Growth.Ratio, Is.GreaterThan(0));
            Assert.That(result.Growth.DrainRatio, Is.GreaterThan(0), "with the drain part selected, growth reruns the drain too");
            Assert.That(MarkdownReport.Build(result), Does.Contain("engine drain / raw"));
        });
    }

    private static void AssertGrowthWithRetention(BenchmarkResult result)
    {
        var growth = result.Growth;
        Assert.That(result.Failures, Is.Empty);
        Assert.That(growth?.Swept, Is.Not.Null, "with --retention the growth runs again with the sweep on");
        var swept = growth!.Swept!;
        var report = MarkdownReport.Build(result);
        Assert.Multiple(() =>
        {
            Assert.That(result.Throughput!.Sweep!.WorkflowsDeleted, Is.Zero, "the runs' own workflows are younger than the retention age");
            Assert.That(result.Drain!.Sweep!.WorkflowsDeleted, Is.Zero);
            Assert.That(growth.After.Sweep, Is.Null, "the growth's runs that show the rows' weight alone leave the sweep off");
            Assert.That(growth.DrainAfter!.Sweep, Is.Null);
            Assert.That(swept.Throughput.Sweep!.WorkflowsDeleted + swept.Drain!.Sweep!.WorkflowsDeleted, Is.GreaterThan(0),
                "the seeded workflows finished before the retention age, and the engine's sweep deletes them");
            Assert.That(swept.Throughput.Sweep.WorkflowsDeleted + swept.Drain.Sweep.WorkflowsDeleted, Is.LessThanOrEqualTo(1_000),
                "no more than the 1,000 seeded workflows: none of the runs' own");
            Assert.That(swept.Throughput.Workflows, Is.EqualTo(Workflows));
            Assert.That(swept.Throughput.CreateToCompleted.Count, Is.EqualTo(Workflows), "every workflow of the run is read back");
            Assert.That(swept.Drain.CreateToCompleted.Count, Is.EqualTo(Workflows));

            var afterSeeding = growth.Storage!.Single(snapshot => snapshot.Label == "after seeding");
            Assert.That(afterSeeding.Tables.Select(table => table.Table), Is.SupersetOf(new[] { "activity_logs", "tasks", "workflow_instances" }));
            Assert.That(afterSeeding.Tables.Single(table => table.Table == "tasks").Rows, Is.GreaterThan(0));
            Assert.That(afterSeeding.DataBytes, Is.GreaterThan(0));
            Assert.That(report, Does.Contain("growth: throughput with the retention sweep on (Retention:MaxAge 00:01:00)"));
            Assert.That(report, Does.Contain("#### Tables and indexes"));
        });
    }
}
