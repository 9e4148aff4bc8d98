using GoFlow.Benchmarks.Stores;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// Growth: seeds many finished tasks (COMPLETED workflows with every step and activity row, as the engine leaves them),
/// runs the throughput measurement again, and sets it beside the figure from before; also the claim query's plan.
/// The throughput run can be bound by its starters rather than by the engine, which would hide a slower claim, so when a
/// drain figure from before is given the drain is run again too.
/// </summary>
internal sealed class GrowthMeasurement(BenchmarkContext context)
{
    public async Task<GrowthResult> RunAsync(ThroughputResult? before, ThroughputResult? drainBefore, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var throughput = new ThroughputMeasurement(context);
        before ??= await throughput.RunAsync("throughput before growth", cancellationToken);

        var workflows = (options.SeedFinished + options.Steps - 1) / options.Steps;
        context.Say($"growth: seeding {workflows * options.Steps:N0} finished tasks ({workflows:N0} workflows)");
        var clock = context.Time.GetTimestamp();
        await context.Store.SeedAsync(
            new SeedRequest(WorkflowNames.History, workflows, options.Steps, Finished: true, context.Now().AddDays(-1)),
            cancellationToken);
        var seedSeconds = context.Time.GetElapsedTime(clock).TotalSeconds;
        context.Say($"growth: seeded in {seedSeconds:F1} s");

        var plan = await context.Store.ExplainClaimAsync(options.EngineBatch, cancellationToken);
        var after = await throughput.RunAsync("throughput with the finished tasks", cancellationToken);
        var drainAfter = drainBefore is null ? null : await new DrainMeasurement(context).RunAsync(cancellationToken);
        return new GrowthResult(before, after, drainBefore, drainAfter, workflows * options.Steps, seedSeconds, plan);
    }
}
