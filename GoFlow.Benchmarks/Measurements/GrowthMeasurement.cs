using GoFlow.Benchmarks.Stores;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// Growth: seeds many finished tasks (COMPLETED workflows with every step and activity row, as the engine leaves them),
/// runs the throughput measurement again, and sets it beside the figure from before; also the claim query's plan.
/// The throughput run can be bound by its starters rather than by the engine, which would hide a slower claim, so when a
/// drain figure from before is given the drain is run again too. Those runs after seeding leave the retention sweep
/// off, so they show the rows' weight alone. With <see cref="BenchmarkOptions.Retention"/> set, the seeded workflows
/// finished a day before the retention age, and the same runs follow with the engine's sweep on and deleting them:
/// a host's steady state, new work beside old work going. The tables' sizes and the buffer pool's counters are read
/// between the steps.
/// </summary>
internal sealed class GrowthMeasurement(BenchmarkContext context)
{
    private const double Mebibyte = 1024 * 1024;

    private static readonly TimeSpan PastRetention = TimeSpan.FromDays(1);

    /// <param name="atStart">The tables and buffer pool before the first run of the benchmark, for the hit rate of the runs before.</param>
    public async Task<GrowthResult> RunAsync(
        ThroughputResult? before, ThroughputResult? drainBefore, StorageSnapshot atStart, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var withoutSweep = context with { Options = options with { Retention = null } };
        before ??= await new ThroughputMeasurement(context).RunAsync("throughput before growth", cancellationToken);
        var storage = new List<StorageSnapshot> { atStart };
        storage.Add(await ReadStorageAsync("after the runs on empty tables", cancellationToken));

        var workflows = (options.SeedFinished + options.Steps - 1) / options.Steps;
        context.Say($"growth: seeding {workflows * options.Steps:N0} finished tasks ({workflows:N0} workflows)");
        var clock = context.Time.GetTimestamp();
        var finishedAt = context.Now() - (options.Retention ?? TimeSpan.Zero) - PastRetention;
        await context.Store.SeedAsync(
            new SeedRequest(WorkflowNames.History, workflows, options.Steps, Finished: true, finishedAt), cancellationToken);
        var seedSeconds = context.Time.GetElapsedTime(clock).TotalSeconds;
        context.Say($"growth: seeded in {seedSeconds:F1} s");
        storage.Add(await ReadStorageAsync("after seeding", cancellationToken));

        var plan = await context.Store.ExplainClaimAsync(options.EngineBatch, cancellationToken);
        var after = await new ThroughputMeasurement(withoutSweep).RunAsync("throughput with the finished tasks", cancellationToken);
        var drainAfter = drainBefore is null ? null : await new DrainMeasurement(withoutSweep).RunAsync(cancellationToken);
        storage.Add(await ReadStorageAsync("after the runs with the finished tasks, sweep off", cancellationToken));

        SweptGrowth? swept = null;
        if (options.Retention is { } retention)
        {
            var sweptThroughput = await new ThroughputMeasurement(context).RunAsync(
                "throughput with the finished tasks, retention sweep on", cancellationToken);
            var sweptDrain = drainBefore is null ? null : await new DrainMeasurement(context).RunAsync(cancellationToken);
            swept = new SweptGrowth(retention, sweptThroughput, sweptDrain);
            storage.Add(await ReadStorageAsync("after the runs with the sweep on", cancellationToken));
        }

        return new GrowthResult(before, after, drainBefore, drainAfter, workflows * options.Steps, seedSeconds, plan, swept, storage);
    }

    private async Task<StorageSnapshot> ReadStorageAsync(string label, CancellationToken cancellationToken)
    {
        var snapshot = await context.Store.ReadStorageAsync(label, cancellationToken);
        context.Say($"growth: {label}: {snapshot.DataBytes / Mebibyte:N0} MiB data, {snapshot.IndexBytes / Mebibyte:N0} MiB indexes");
        return snapshot;
    }
}
