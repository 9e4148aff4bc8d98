using GoFlow.Benchmarks.Engine;
using GoFlow.Benchmarks.Stores;
using GoFlow.Domain;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// The engine's own step rate: N workflows seeded PENDING in bulk (as starting them would have left them), then run by
/// the in-process worker, from the first claim to the last COMPLETED. No starter competes for the database, so this is
/// the figure to set beside the raw replay, which starts from the same seeded rows.
/// </summary>
internal sealed class DrainMeasurement(BenchmarkContext context)
{
    public async Task<ThroughputResult> RunAsync(CancellationToken cancellationToken)
    {
        var options = context.Options;
        var taskRows = await context.Store.CountTasksAsync(cancellationToken);
        var since = context.Now();
        context.Say($"drain: seeding {options.Workflows} PENDING workflows");
        await context.Store.SeedAsync(
            new SeedRequest(WorkflowNames.Drain, options.Workflows, options.Steps, Finished: false, since), cancellationToken);

        context.Say("drain: running them");
        var retriesBefore = context.Retries.Count;
        var sweep = await SweepWindow.OpenAsync(context, cancellationToken);
        var cost = ProcessCost.Start();
        SweepFigures? swept = null;
        await using (await InProcessEngine.StartAsync(options, context.Store, worker: true, cancellationToken))
        {
            await RunCompletion.WaitAsync(context, WorkflowNames.Drain, since, cancellationToken);
            if (sweep is not null)
            {
                // Read while the engine still runs, so the window ends with the run and not with the engine's stop.
                swept = await sweep.CloseAsync(startedInRun: 0, cancellationToken);
            }
        }

        var spent = cost.Since();

        var run = await RunRecord.ReadAsync(context.Store, WorkflowNames.Drain, since, options.Workflows, cancellationToken);
        var result = new ThroughputResult(
            "drain of a seeded backlog",
            options.Workflows,
            options.Steps,
            (run.LastCompleted - run.FirstStarted).TotalSeconds,
            null,
            run.CreateToCompleted(),
            run.StepGaps(),
            run.StepIntervals(),
            taskRows,
            context.Retries.Count - retriesBefore,
            await context.Store.CountActionsAsync(WorkflowNames.Drain, since, ActivityAction.TaskLeaseExpired, cancellationToken),
            spent,
            swept);
        context.Say($"drain: {result.StepsPerSecond:F0} task steps/s, {result.CpuMicrosecondsPerStep:F0} µs CPU and " +
            $"{result.AllocatedBytesPerStep:F0} bytes allocated per step, {result.RetriedWrites} writes retried, " +
            $"{result.ExpiredLeases} leases expired{SweepWindow.Describe(swept)}");
        return result;
    }
}
