using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Benchmarks.Raw;

/// <summary>What the loops of one raw replay share: how many workflows are left, and how the store answered.</summary>
internal sealed class RawReplayProgress(long workflows)
{
    private long _remaining = workflows;
    private long _transactions;
    private long _emptyClaims;

    public long Remaining => Interlocked.Read(ref _remaining);

    /// <summary>Claims and group completions that wrote something, each one transaction of the store.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Claims that found nothing: the other loops held the remaining tasks.</summary>
    public long EmptyClaims => Interlocked.Read(ref _emptyClaims);

    public void Finished(int workflows) => Interlocked.Add(ref _remaining, -workflows);

    public void Committed() => Interlocked.Increment(ref _transactions);

    public void FoundNothing() => Interlocked.Increment(ref _emptyClaims);
}

/// <summary>
/// One loop of the raw replay: claims up to T tasks, "runs" them (a no-op: the output is the input), completes them as
/// one group, and again, until every seeded workflow is COMPLETED. It calls the store adapter's own task queue (the
/// <see cref="ITaskQueue"/> the engine's worker calls, so the very statements, parameters, guards and activity rows the
/// engine sends) and nothing of the engine above it: no worker, no handler dispatch, no heartbeat. In
/// <see cref="RawReplayMode.HandOver"/> the completions hand their next steps over to this loop, which runs them next, and
/// a claim only fills the batch up to T.
/// </summary>
internal sealed class RawStepLoop(
    ITaskQueue queue, WorkflowDefinition workflow, RawReplayProgress progress, RawReplayMode mode, int batch, string owner, TimeProvider time)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var held = new List<ClaimedTask>();
        while (progress.Remaining > 0)
        {
            if (held.Count < batch)
            {
                var now = time.GetUtcNow();
                var claimed = await queue.ClaimAsync(new ClaimRequest(owner, batch - held.Count, now, now + Lease), cancellationToken);
                if (claimed.Count > 0)
                {
                    progress.Committed();
                }

                held.AddRange(claimed);
            }

            if (held.Count == 0)
            {
                progress.FoundNothing();

                // The other loops hold what is left, and their completions will queue the next steps.
                await Task.Delay(TimeSpan.FromMilliseconds(1), time, cancellationToken);
                continue;
            }

            var completions = held
                .Select(task => new TaskCompletion(
                    task,
                    task.InputPayload,
                    StepAdvance.After(workflow.StepAfter(task.StepIndex), mode == RawReplayMode.HandOver, owner, Lease)))
                .ToList();
            var recorded = await queue.CompleteAsync(completions, time.GetUtcNow(), cancellationToken);
            if (recorded.Count != completions.Count)
            {
                throw new InvalidOperationException(
                    $"The store recorded {recorded.Count} of {completions.Count} completions, although this loop held every claim.");
            }

            progress.Committed();
            progress.Finished(recorded.Keys.Count(completion => completion.Advance is null));
            held = [.. recorded.Values.OfType<ClaimedTask>()];
        }
    }
}
