using GoFlow.Benchmarks.Measurements;
using GoFlow.Benchmarks.Raw;
using GoFlow.Benchmarks.Report;
using GoFlow.Benchmarks.Stores;

namespace GoFlow.Benchmarks;

/// <summary>Everything one benchmark run measured; a part that was not run, or failed, is null (see <see cref="Failures"/>).</summary>
internal sealed record BenchmarkResult(
    BenchmarkOptions Options,
    MachineInfo Machine,
    string StoreName,
    StoreDescription Store,
    DateTimeOffset StartedAt,
    ThroughputResult? Throughput,
    ThroughputResult? Drain,
    LatencyResult? Latency,
    IReadOnlyList<RawResult> Raw,
    GrowthResult? Growth,
    HttpResult? Http,
    MemoryResult? Memory,
    IReadOnlyList<string> Failures,
    IReadOnlyList<ThroughputResult>? ThroughputRuns = null,
    IReadOnlyList<ThroughputResult>? DrainRuns = null);

/// <summary>
/// N workflows of M steps, from the first created to the last COMPLETED (or, for a drain, from the first claim).
/// <paramref name="StartSeconds"/> is how long starting them all took, when the run started them. <paramref name="Cost"/>
/// is what this process (the engine) spent in CPU time and allocations over the run, when it was measured.
/// <paramref name="Sweep"/> is what the engine's retention sweep deleted meanwhile, when it was on.
/// </summary>
internal sealed record ThroughputResult(
    string Label,
    long Workflows,
    int Steps,
    double WallSeconds,
    double? StartSeconds,
    Percentiles CreateToCompleted,
    Percentiles StepGap,
    Percentiles StepInterval,
    long TaskRowsBefore,
    long RetriedWrites = 0,
    long ExpiredLeases = 0,
    ProcessCost? Cost = null,
    SweepFigures? Sweep = null)
{
    public double StepsPerSecond => Workflows * Steps / WallSeconds;

    public long TaskSteps => Workflows * Steps;

    /// <summary>CPU time of this process per task step, in microseconds; null when the cost was not measured.</summary>
    public double? CpuMicrosecondsPerStep => Cost?.CpuMicrosecondsPerStep(TaskSteps);

    /// <summary>Bytes allocated in this process per task step; null when the cost was not measured.</summary>
    public double? AllocatedBytesPerStep => Cost?.AllocatedBytesPerStep(TaskSteps);

    public double WorkflowsPerSecond => Workflows / WallSeconds;
}

/// <summary>
/// The retention sweep's work during a run: the finished workflows it deleted (each with its tasks and activity rows)
/// over <paramref name="Seconds"/>, from the engine's start to the run's last COMPLETED.
/// </summary>
internal sealed record SweepFigures(long WorkflowsDeleted, double Seconds)
{
    public double WorkflowsPerSecond => WorkflowsDeleted / Seconds;
}

/// <summary>The runs of one repeated figure: the median run (by steps/s) is the figure, the others its spread.</summary>
internal static class RepeatedRuns
{
    public static ThroughputResult Median(IReadOnlyList<ThroughputResult> runs) =>
        runs.OrderBy(run => run.StepsPerSecond).ElementAt((runs.Count - 1) / 2);
}

internal sealed record LatencyResult(IdleLatencyResult? Idle, HalfLoadResult? HalfLoad);

/// <summary>Workflows run one at a time: create to COMPLETED, and the gaps between their steps.</summary>
internal sealed record IdleLatencyResult(int Samples, Percentiles CreateToCompleted, Percentiles StepGap, Percentiles StepInterval);

/// <summary>Workflows started at a fixed rate, half of the measured throughput.</summary>
internal sealed record HalfLoadResult(
    double TargetRate,
    double AchievedRate,
    double BasedOnWorkflowsPerSecond,
    long Workflows,
    Percentiles StepGap,
    Percentiles StepInterval,
    Percentiles CreateToCompleted);

/// <summary>The raw replay at <paramref name="Batch"/> tasks per transaction on <paramref name="Connections"/> connections.</summary>
internal sealed record RawResult(
    RawReplayMode Mode,
    int Batch, int Connections, long Workflows, int Steps, double Seconds, long Transactions, long Retries, long EmptyClaims)
{
    public double StepsPerSecond => Workflows * Steps / Seconds;
}

/// <summary>
/// The throughput run, and the drain when it was measured, before and after seeding the finished tasks; with the
/// retention sweep on, the same again while the sweep deletes the seeded ones (<paramref name="Swept"/>), and the
/// tables and buffer pool between the steps (<paramref name="Storage"/>, in the order they were read).
/// </summary>
internal sealed record GrowthResult(
    ThroughputResult Before,
    ThroughputResult After,
    ThroughputResult? DrainBefore,
    ThroughputResult? DrainAfter,
    long SeededTasks,
    double SeedSeconds,
    string ClaimPlan,
    SweptGrowth? Swept = null,
    IReadOnlyList<StorageSnapshot>? Storage = null)
{
    public double Ratio => After.StepsPerSecond / Before.StepsPerSecond;

    public double? DrainRatio => DrainAfter is null || DrainBefore is null ? null : DrainAfter.StepsPerSecond / DrainBefore.StepsPerSecond;
}

/// <summary>The growth's runs again with the engine's retention sweep on at <paramref name="Retention"/>, deleting the seeded workflows.</summary>
internal sealed record SweptGrowth(TimeSpan Retention, ThroughputResult Throughput, ThroughputResult? Drain);

/// <summary>POST /workflows against the host; <paramref name="Drain"/> is the host's own run of what was posted.</summary>
internal sealed record HttpResult(
    string HostDll, string Roles, int Clients, HttpLoadFigures Load, ThroughputResult? Drain, long LeftUnfinished);

/// <summary>How an HTTP load went: 2xx answers, everything else, and each request's time.</summary>
internal sealed record HttpLoadFigures(long Ok, long Failed, IReadOnlyDictionary<string, long> Errors, double Seconds, Percentiles Latency)
{
    public double OkPerSecond => Ok / Seconds;
}

/// <summary>
/// The host's resident set (VmRSS, sampled every 100 ms, and the kernel's high-water mark VmHWM): while an API-only
/// host queued the backlog and held it, then while a host with the worker drained it.
/// </summary>
internal sealed record MemoryResult(
    long Queued,
    HttpLoadFigures Queueing,
    MemoryFigures WhileQueued,
    MemoryFigures WhileDraining,
    double DrainSeconds,
    long LeftUnfinished,
    ThroughputResult? Drain);

/// <param name="PeakMb">The largest VmRSS sampled.</param>
/// <param name="HighWaterMb">VmHWM at the end: the largest resident set the kernel saw, between samples too.</param>
internal sealed record MemoryFigures(double PeakMb, double HighWaterMb, double LastMb, int Samples);
