using GoFlow.Benchmarks.Engine;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// Latency at half load: workflows started at a fixed rate, half the workflows/s the throughput run reached, for the
/// configured duration. Start i is due at i / rate seconds after the first, paced on the TimeProvider by several
/// starters that take turns (start i belongs to starter i mod S), so a slow start delays only its own starter and
/// the rate never comes in bursts. Reports the step-to-next-step gap and create to COMPLETED.
/// </summary>
internal sealed class HalfLoadMeasurement(BenchmarkContext context)
{
    public async Task<HalfLoadResult> RunAsync(double fullLoadWorkflowsPerSecond, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var rate = options.HalfLoadRate ?? fullLoadWorkflowsPerSecond / 2;
        var count = Math.Max(1, (long)Math.Ceiling(rate * options.HalfLoadDuration.TotalSeconds));
        context.Say($"half load: {count} workflows at {rate:F1} workflows/s");

        await using var engine = await InProcessEngine.StartAsync(options, context.Store, worker: true, cancellationToken);
        var since = context.Now();
        var clock = context.Time.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, options.Starters).Select(async starter =>
        {
            for (long i = starter; i < count; i += options.Starters)
            {
                var wait = TimeSpan.FromSeconds(i / rate) - context.Time.GetElapsedTime(clock);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, context.Time, cancellationToken);
                }

                await engine.StartWorkflowAsync(WorkflowNames.HalfLoad, null, cancellationToken);
            }
        }));
        await RunCompletion.WaitAsync(context, WorkflowNames.HalfLoad, since, cancellationToken);

        var run = await RunRecord.ReadAsync(context.Store, WorkflowNames.HalfLoad, since, count, cancellationToken);
        var created = run.Workflows.Select(w => w.CreatedAt).ToList();
        var span = (created.Max() - created.Min()).TotalSeconds;
        var result = new HalfLoadResult(
            rate,
            count > 1 && span > 0 ? (count - 1) / span : rate,
            fullLoadWorkflowsPerSecond,
            count,
            run.StepGaps(),
            run.StepIntervals(),
            run.CreateToCompleted());
        context.Say($"half load: step gap {result.StepGap}, step interval {result.StepInterval}, create to COMPLETED {result.CreateToCompleted}");
        return result;
    }
}
