using System.Diagnostics;
using System.Diagnostics.Metrics;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Application.Telemetry;

/// <summary>
/// The engine's metrics and traces, under the one name <see cref="Name"/> (the meter and the activity source), so a
/// host switches all of them on with <c>AddMeter(EngineTelemetry.Name)</c> and <c>AddSource(EngineTelemetry.Name)</c>.
/// Instrument names follow the OpenTelemetry conventions; <c>workflow_name</c> and <c>task_name</c> are the tags.
/// </summary>
public sealed class EngineTelemetry : IDisposable
{
    public const string Name = "GoFlow";

    /// <summary>The activity source of the engine's spans: starting a workflow, running a task attempt.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    // Exporters otherwise use their default buckets, which are made for milliseconds (0, 5, 10, ... 10000): every task
    // would land in the first one. These span a quick handler (5 ms) to one that runs into its timeout (5 min).
    private static readonly double[] DurationBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private static readonly int[] BatchSizeBuckets = [1, 2, 5, 10, 20, 50, 100];

    private readonly Meter _meter;
    private readonly Counter<long> _workflowsStarted;
    private readonly Counter<long> _workflowsCompleted;
    private readonly Counter<long> _workflowsFailed;
    private readonly Counter<long> _attemptsStarted;
    private readonly Counter<long> _attemptsCompleted;
    private readonly Counter<long> _attemptsFailed;
    private readonly Counter<long> _attemptsRetried;
    private readonly Histogram<double> _taskDuration;
    private readonly Histogram<double> _pickupLatency;
    private readonly Counter<long> _claimBatches;
    private readonly Histogram<int> _claimBatchSize;
    private readonly Counter<long> _scheduleFires;

    // The last count of the store's tasks, swapped whole by the refresher and read by the gauges at each collection.
    private TaskCounts? _taskCounts;

    public EngineTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        _workflowsStarted = _meter.CreateCounter<long>("goflow.workflows.started", "{workflow}", "Workflows started.");
        _workflowsCompleted = _meter.CreateCounter<long>("goflow.workflows.completed", "{workflow}", "Workflows whose last task completed.");
        _workflowsFailed = _meter.CreateCounter<long>("goflow.workflows.failed", "{workflow}", "Workflows that failed for good.");
        _attemptsStarted = _meter.CreateCounter<long>("goflow.task.attempts.started", "{attempt}", "Task attempts claimed by a worker.");
        _attemptsCompleted = _meter.CreateCounter<long>("goflow.task.attempts.completed", "{attempt}", "Task attempts whose result was recorded.");
        _attemptsFailed = _meter.CreateCounter<long>("goflow.task.attempts.failed", "{attempt}", "Task attempts that failed for good.");
        _attemptsRetried = _meter.CreateCounter<long>("goflow.task.attempts.retried", "{attempt}", "Failed task attempts with a retry scheduled.");
        _taskDuration = _meter.CreateHistogram("goflow.task.duration", "s", "How long a task attempt's handler ran.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _pickupLatency = _meter.CreateHistogram(
            "goflow.task.pickup_latency", "s", "From the moment a task became due (created, or its retry was due) to its claim.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _claimBatches = _meter.CreateCounter<long>("goflow.worker.claim.batches", "{batch}", "Claim round trips that found at least one task.");
        _scheduleFires = _meter.CreateCounter<long>(
            "goflow.schedule.fires", "{fire}", "Schedule fires handled by this host, by schedule and outcome.");
        _claimBatchSize = _meter.CreateHistogram("goflow.worker.claim.batch_size", "{task}", "Tasks claimed in one round trip.",
            tags: null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchSizeBuckets });
        foreach (var status in TaskTransitions.Unfinished)
        {
            // goflow.tasks.pending, goflow.tasks.running, goflow.tasks.waiting: one gauge per status the domain has for
            // a task that has not ended, so that a status added there is gauged without a change here.
            var name = status.ToName();
            _meter.CreateObservableGauge(
                TaskGaugeName(status), () => Observe(status), "{task}", $"Tasks {name} in the whole store, counted every {TaskCountsRefresher.Interval.TotalSeconds:0} s.");
        }
    }

    /// <summary>
    /// A schedule's fire was handled by this host: <paramref name="outcome"/> is <c>started</c>, <c>started_elsewhere</c>
    /// (another host started it first) or <c>skipped_paused</c>, <c>skipped_missed</c>, <c>skipped_overlap</c>.
    /// </summary>
    internal void ScheduleFired(string schedule, string outcome) =>
        _scheduleFires.Add(1, new KeyValuePair<string, object?>("schedule", schedule), new KeyValuePair<string, object?>("outcome", outcome));

    public void WorkflowStarted(string workflowName) => _workflowsStarted.Add(1, Workflow(workflowName));

    public void WorkflowCompleted(string workflowName) => _workflowsCompleted.Add(1, Workflow(workflowName));

    public void WorkflowFailed(string workflowName) => _workflowsFailed.Add(1, Workflow(workflowName));

    /// <param name="waitedSinceDue">How long the task waited for a worker; null when the store does not say.</param>
    public void TaskClaimed(string workflowName, string taskName, TimeSpan? waitedSinceDue)
    {
        _attemptsStarted.Add(1, Task(workflowName, taskName));
        if (waitedSinceDue is { } waited)
        {
            _pickupLatency.Record(Math.Max(0, waited.TotalSeconds), Task(workflowName, taskName));
        }
    }

    public void ClaimBatch(int size)
    {
        _claimBatches.Add(1);
        _claimBatchSize.Record(size);
    }

    public void AttemptCompleted(string workflowName, string taskName, TimeSpan duration)
    {
        _attemptsCompleted.Add(1, Task(workflowName, taskName));
        _taskDuration.Record(duration.TotalSeconds, Task(workflowName, taskName, "completed"));
    }

    public void AttemptFailed(string workflowName, string taskName, TimeSpan duration, bool retried)
    {
        (retried ? _attemptsRetried : _attemptsFailed).Add(1, Task(workflowName, taskName));
        _taskDuration.Record(duration.TotalSeconds, Task(workflowName, taskName, "failed"));
    }

    /// <summary>The store's latest count of unfinished tasks by status, which the gauges report from now on.</summary>
    public void TaskCountsMeasured(TaskCounts counts) => Volatile.Write(ref _taskCounts, counts);

    /// <summary>The store could not be counted: the gauges report nothing rather than an old count.</summary>
    public void TaskCountsUnknown() => Volatile.Write(ref _taskCounts, null);

    public void Dispose() => _meter.Dispose();

    /// <summary>The name of the gauge of the tasks in <paramref name="status"/>: <c>goflow.tasks.pending</c>, ...</summary>
    internal static string TaskGaugeName(WorkflowTaskStatus status) =>
        "goflow.tasks." + status.ToName().ToLowerInvariant();

    private IEnumerable<Measurement<long>> Observe(WorkflowTaskStatus status) =>
        Volatile.Read(ref _taskCounts) is { } counts ? [new Measurement<long>(counts[status])] : [];

    private static KeyValuePair<string, object?> Workflow(string workflowName) => new("workflow_name", workflowName);

    private static TagList Task(string workflowName, string taskName, string? outcome = null)
    {
        var tags = new TagList { { "workflow_name", workflowName }, { "task_name", taskName } };
        if (outcome is not null)
        {
            tags.Add("outcome", outcome);
        }

        return tags;
    }
}
