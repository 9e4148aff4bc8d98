using GoFlow.Benchmarks.Stores;
using GoFlow.Domain;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// A run's workflows and step rows as the store recorded them. Every figure is computed from these stored times, so
/// the benchmark's own waiting and polling do not blur them.
/// </summary>
internal sealed record RunRecord(IReadOnlyList<StoredWorkflow> Workflows, IReadOnlyList<StepEvent> Events)
{
    /// <summary>
    /// Reads the workflows named <paramref name="workflowName"/> created from <paramref name="since"/> on; when
    /// <paramref name="expected"/> is given, fails unless exactly that many are there, all COMPLETED.
    /// </summary>
    public static async Task<RunRecord> ReadAsync(
        BenchmarkStore store, string workflowName, DateTimeOffset since, long? expected, CancellationToken cancellationToken)
    {
        var workflows = await store.ReadWorkflowsAsync(workflowName, since, cancellationToken);
        if (expected is { } count)
        {
            var completed = workflows.Count(w => w.Status == StatusNames.Completed);
            if (workflows.Count != count || completed != count)
            {
                var statuses = string.Join(", ", workflows.GroupBy(w => w.Status).Select(g => $"{g.Count()} {g.Key}"));
                throw new InvalidOperationException(
                    $"Expected {count} {workflowName} workflows, all COMPLETED; the store has {workflows.Count} ({statuses}).");
            }
        }

        return new RunRecord(workflows, await store.ReadStepEventsAsync(workflowName, since, cancellationToken));
    }

    public DateTimeOffset FirstCreated => Workflows.Min(w => w.CreatedAt);

    public DateTimeOffset LastCompleted => Workflows.Where(w => w.Status == StatusNames.Completed).Max(w => w.UpdatedAt);

    /// <summary>When the first task of the run was claimed.</summary>
    public DateTimeOffset FirstStarted => Events.Where(e => e.Action == ActivityAction.TaskStarted).Min(e => e.At);

    public Percentiles CreateToCompleted() => Percentiles.Of(
        Workflows.Where(w => w.Status == StatusNames.Completed).Select(w => (w.UpdatedAt - w.CreatedAt).TotalMilliseconds));

    /// <summary>
    /// For every step after the first: its TASK_STARTED time minus the TASK_COMPLETED time of the step before, that
    /// is how long a step that became due waited to be claimed.
    /// </summary>
    public Percentiles StepGaps()
    {
        var gaps = new List<double>();
        string? workflow = null;
        DateTimeOffset? previousCompleted = null;
        foreach (var step in Events)
        {
            if (step.WorkflowId != workflow)
            {
                workflow = step.WorkflowId;
                previousCompleted = null;
            }

            if (step.Action == ActivityAction.TaskCompleted)
            {
                previousCompleted = step.At;
            }
            else if (step.Action == ActivityAction.TaskStarted && previousCompleted is { } done)
            {
                gaps.Add((step.At - done).TotalMilliseconds);
                previousCompleted = null;
            }
        }

        return Percentiles.Of(gaps);
    }

    /// <summary>
    /// For every step after the first: its TASK_COMPLETED time minus the TASK_COMPLETED time of the step before, the
    /// whole cycle of one step (pickup, handler, recording). When the engine hands the next step over in the
    /// transaction that completes the step before, <see cref="StepGaps"/> is 0 by construction and this is the figure
    /// that still shows how long a step waits.
    /// </summary>
    public Percentiles StepIntervals()
    {
        var intervals = new List<double>();
        string? workflow = null;
        DateTimeOffset? previousCompleted = null;
        foreach (var step in Events)
        {
            if (step.WorkflowId != workflow)
            {
                workflow = step.WorkflowId;
                previousCompleted = null;
            }

            if (step.Action == ActivityAction.TaskCompleted)
            {
                if (previousCompleted is { } before)
                {
                    intervals.Add((step.At - before).TotalMilliseconds);
                }

                previousCompleted = step.At;
            }
        }

        return Percentiles.Of(intervals);
    }
}
