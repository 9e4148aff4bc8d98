using GoFlow.Benchmarks.Engine;
using GoFlow.Domain;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// Throughput: N workflows of M no-op steps started through the driving port by concurrent starters while the
/// in-process worker runs them, on a database that keeps the history of earlier runs. Steps/s is N × M over the time
/// from the first workflow created to the last COMPLETED, both as stored.
/// </summary>
internal sealed class ThroughputMeasurement(BenchmarkContext context)
{
    public async Task<ThroughputResult> RunAsync(string label, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var taskRows = await context.Store.CountTasksAsync(cancellationToken);
        context.Say($"{label}: {options.Workflows} workflows x {options.Steps} steps, {options.Starters} starters, {taskRows:N0} task rows in the table");

        var sweep = await SweepWindow.OpenAsync(context, cancellationToken);
        await using var engine = await InProcessEngine.StartAsync(options, context.Store, worker: true, cancellationToken);
        var since = context.Now();
        var retriesBefore = context.Retries.Count;
        var cost = ProcessCost.Start();
        var clock = context.Time.GetTimestamp();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, options.Starters).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < options.Workflows)
            {
                await engine.StartWorkflowAsync(WorkflowNames.Throughput, null, cancellationToken);
            }
        }));
        var startSeconds = context.Time.GetElapsedTime(clock).TotalSeconds;
        await RunCompletion.WaitAsync(context, WorkflowNames.Throughput, since, cancellationToken);
        var spent = cost.Since();
        var swept = sweep is null ? null : await sweep.CloseAsync(options.Workflows, cancellationToken);

        var run = await RunRecord.ReadAsync(context.Store, WorkflowNames.Throughput, since, options.Workflows, cancellationToken);
        var result = new ThroughputResult(
            label,
            options.Workflows,
            options.Steps,
            (run.LastCompleted - run.FirstCreated).TotalSeconds,
            startSeconds,
            run.CreateToCompleted(),
            run.StepGaps(),
            run.StepIntervals(),
            taskRows,
            context.Retries.Count - retriesBefore,
            await context.Store.CountActionsAsync(WorkflowNames.Throughput, since, ActivityAction.TaskLeaseExpired, cancellationToken),
            spent,
            swept);
        context.Say($"{label}: {result.StepsPerSecond:F0} task steps/s, {result.WorkflowsPerSecond:F0} workflows/s, " +
            $"{result.CpuMicrosecondsPerStep:F0} µs CPU and {result.AllocatedBytesPerStep:F0} bytes allocated per step, " +
            $"{result.RetriedWrites} writes retried, {result.ExpiredLeases} leases expired{SweepWindow.Describe(swept)}");
        return result;
    }
}
