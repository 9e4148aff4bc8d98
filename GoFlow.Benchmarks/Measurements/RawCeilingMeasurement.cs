using GoFlow.Benchmarks.Raw;
using GoFlow.Benchmarks.Stores;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// The raw ceiling: N workflows seeded PENDING in bulk, then C loops each claiming and completing T tasks per transaction
/// through the store adapter's task queue (<see cref="RawStepLoop"/>: the engine's statements, and no worker) until every
/// one is COMPLETED. Steps/s is N × M over the time from the first claim to the last commit.
/// </summary>
internal sealed class RawCeilingMeasurement(BenchmarkContext context)
{
    public async Task<RawResult> RunAsync(RawReplayMode mode, int batch, int connections, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var store = context.Store;

        // The replay's claim takes any due task, as the engine's does: unfinished work of another run would be taken.
        var unfinished = await store.CountUnfinishedTasksAsync(cancellationToken);
        if (unfinished > 0)
        {
            throw new InvalidOperationException(
                $"{unfinished} unfinished tasks of other runs are in the database, and the raw replay's claim would take " +
                "them; let them finish (or use a fresh database) first.");
        }

        var since = context.Now();
        context.Say($"raw: seeding {options.Workflows} PENDING workflows");
        await store.SeedAsync(new SeedRequest(WorkflowNames.Raw, options.Workflows, options.Steps, Finished: false, since), cancellationToken);

        context.Say($"raw ({mode}): {batch} tasks per transaction, {connections} connections");
        await using var adapter = store.BuildAdapterServices();
        var queue = adapter.GetRequiredService<ITaskQueue>();
        var workflow = new WorkflowDefinition(
            WorkflowNames.Raw, [.. Enumerable.Range(0, options.Steps).Select(WorkflowNames.NoopTask)]);
        var progress = new RawReplayProgress(options.Workflows);
        var owner = $"raw-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var retriesBefore = context.Retries.Count;
        var clock = context.Time.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ =>
            new RawStepLoop(queue, workflow, progress, mode, batch, owner, context.Time).RunAsync(timeout.Token)));
        var seconds = context.Time.GetElapsedTime(clock).TotalSeconds;
        var retries = context.Retries.Count - retriesBefore;

        var left = await store.CountUnfinishedWorkflowsAsync(WorkflowNames.Raw, since, cancellationToken);
        if (left != 0)
        {
            throw new InvalidOperationException($"The raw replay ended with {left} workflows not COMPLETED.");
        }

        var result = new RawResult(
            mode, batch, connections, options.Workflows, options.Steps, seconds, progress.Transactions, retries, progress.EmptyClaims);
        context.Say($"raw: {result.StepsPerSecond:F0} task steps/s ({result.Transactions} transactions, {result.Retries} retried)");
        return result;
    }
}
