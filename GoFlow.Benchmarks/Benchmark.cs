using GoFlow.Benchmarks.Engine;
using GoFlow.Benchmarks.Measurements;
using GoFlow.Benchmarks.Raw;
using GoFlow.Benchmarks.Report;
using GoFlow.Benchmarks.Stores;

namespace GoFlow.Benchmarks;

/// <summary>
/// Runs the parts the options pick, in an order that keeps them from disturbing each other: throughput, drain,
/// latency, raw (which needs no unfinished work of others in the database), growth, HTTP, memory. A part that fails
/// is reported in <see cref="BenchmarkResult.Failures"/> and the others still run.
/// </summary>
internal sealed class Benchmark(BenchmarkOptions options, TimeProvider time, TextWriter log)
{
    public async Task<BenchmarkResult> RunAsync(CancellationToken cancellationToken)
    {
        await using BenchmarkStore store = options.MySqlConnectionString is { } connectionString
            ? new MySqlBenchmarkStore(connectionString)
            : new SqliteBenchmarkStore(options.SqlitePath);
        using var retries = new StoreRetryCounter();
        var context = new BenchmarkContext(options, store, time, log, retries);
        var startedAt = time.GetUtcNow();
        context.Say($"GoFlow benchmark on {store.Name}: {options.Describe()}");

        // The store's own start-up creates the database and tables when they are missing, as the host's would.
        await (await InProcessEngine.StartAsync(options, store, worker: false, cancellationToken)).DisposeAsync();
        var description = await store.DescribeAsync(cancellationToken);
        var failures = new List<string>();
        var storageAtStart = options.Runs(BenchmarkPart.Growth)
            ? await store.ReadStorageAsync("at the start", cancellationToken)
            : null;

        async Task<T?> PartAsync<T>(BenchmarkPart part, Func<Task<T>> run)
            where T : class
        {
            if (!options.Runs(part))
            {
                return null;
            }

            try
            {
                return await run();
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{part.ToString().ToLowerInvariant()}: {exception.GetType().Name}: {exception.Message}");
                context.Say($"{part} failed: {exception}");
                return null;
            }
        }

        // The engine's figures run several times: one run that collapses among three is a finding, not noise.
        var throughputRuns = await PartAsync(BenchmarkPart.Throughput, () => RepeatAsync(
            run => new ThroughputMeasurement(context).RunAsync($"throughput (run {run} of {options.Repeat})", cancellationToken)));
        var drainRuns = await PartAsync(BenchmarkPart.Drain, () => RepeatAsync(_ => new DrainMeasurement(context).RunAsync(cancellationToken)));
        var throughput = throughputRuns is null ? null : RepeatedRuns.Median(throughputRuns);
        var drain = drainRuns is null ? null : RepeatedRuns.Median(drainRuns);
        var latency = await PartAsync(BenchmarkPart.Latency, async () =>
        {
            var idle = await new IdleLatencyMeasurement(context).RunAsync(cancellationToken);
            var fullLoad = throughput ?? await new ThroughputMeasurement(context).RunAsync("throughput for the half load", cancellationToken);
            var halfLoad = await new HalfLoadMeasurement(context).RunAsync(fullLoad.WorkflowsPerSecond, cancellationToken);
            return new LatencyResult(idle, halfLoad);
        });
        var raw = await PartAsync(BenchmarkPart.Raw, async () =>
        {
            // Each mode at the engine's batch, then one task per transaction as the reference line.
            var measurement = new RawCeilingMeasurement(context);
            var results = new List<RawResult>();
            foreach (var mode in options.RawModes)
            {
                results.Add(await measurement.RunAsync(mode, options.EffectiveRawBatch, options.RawConnections, cancellationToken));
            }

            if (options.EffectiveRawBatch != 1)
            {
                results.Add(await measurement.RunAsync(RawReplayMode.Pending, 1, options.RawConnections, cancellationToken));
            }

            return results;
        });
        var growth = await PartAsync(BenchmarkPart.Growth, () => new GrowthMeasurement(context).RunAsync(throughput, drain, storageAtStart!, cancellationToken));
        var http = await PartAsync(BenchmarkPart.Http, () => new HttpMeasurement(context).RunAsync(cancellationToken));
        var memory = await PartAsync(BenchmarkPart.Memory, () => new MemoryMeasurement(context).RunAsync(cancellationToken));

        return new BenchmarkResult(
            options,
            MachineInfo.Read(),
            store.Name,
            description,
            startedAt,
            throughput,
            drain,
            latency,
            raw ?? [],
            growth,
            http,
            memory,
            failures,
            throughputRuns,
            drainRuns);
    }

    private async Task<IReadOnlyList<ThroughputResult>> RepeatAsync(Func<int, Task<ThroughputResult>> measure)
    {
        var runs = new List<ThroughputResult>(options.Repeat);
        for (var run = 1; run <= options.Repeat; run++)
        {
            runs.Add(await measure(run));
        }

        return runs;
    }
}
