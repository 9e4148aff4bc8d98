using System.Text.Json;
using GoFlow.Benchmarks.Engine;
using GoFlow.Domain;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// Latency on an idle system: workflows run one at a time, each started only when the one before is COMPLETED, after
/// a random pause of up to 20 ms so that starts fall anywhere in the worker's idle cycle. The last step's handler
/// says when it ran, and only then is the store polled (every millisecond) for COMPLETED, so the database stays idle.
/// </summary>
internal sealed class IdleLatencyMeasurement(BenchmarkContext context)
{
    private const int WarmUpWorkflows = 5;
    private static readonly TimeSpan StepDeadline = TimeSpan.FromSeconds(30);

    public async Task<IdleLatencyResult> RunAsync(CancellationToken cancellationToken)
    {
        var options = context.Options;
        context.Say($"idle latency: {options.IdleSamples} workflows one at a time");
        await using var engine = await InProcessEngine.StartAsync(options, context.Store, worker: true, cancellationToken);

        // The first workflows pay for JIT compilation and cold pools; they are run but not counted.
        for (var i = 0; i < WarmUpWorkflows; i++)
        {
            await RunOneAsync(engine, cancellationToken);
        }

        var since = context.Now();
        for (var i = 0; i < options.IdleSamples; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, 21)), context.Time, cancellationToken);
            await RunOneAsync(engine, cancellationToken);
        }

        var run = await RunRecord.ReadAsync(context.Store, WorkflowNames.Idle, since, options.IdleSamples, cancellationToken);
        var result = new IdleLatencyResult(options.IdleSamples, run.CreateToCompleted(), run.StepGaps(), run.StepIntervals());
        context.Say($"idle latency: create to COMPLETED {result.CreateToCompleted}");
        return result;
    }

    private async Task RunOneAsync(InProcessEngine engine, CancellationToken cancellationToken)
    {
        var key = Guid.NewGuid().ToString("N");
        var lastStepRan = engine.Signals.WaitAsync(key);
        var input = JsonSerializer.SerializeToElement(new Dictionary<string, string> { [LastStepSignals.InputKey] = key });
        var workflow = await engine.StartWorkflowAsync(WorkflowNames.Idle, input, cancellationToken);
        await lastStepRan.WaitAsync(StepDeadline, context.Time, cancellationToken);
        engine.Signals.Forget(key);

        var deadline = context.Time.GetTimestamp();
        while (await context.Store.WorkflowStatusAsync(workflow.Id.ToString(), cancellationToken) != StatusNames.Completed)
        {
            if (context.Time.GetElapsedTime(deadline) > StepDeadline)
            {
                throw new TimeoutException($"Workflow {workflow.Id} ran its last step but was not COMPLETED within {StepDeadline}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), context.Time, cancellationToken);
        }
    }
}
