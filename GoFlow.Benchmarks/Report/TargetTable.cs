using System.Globalization;
using static GoFlow.Benchmarks.Report.ReportText;

namespace GoFlow.Benchmarks.Report;

/// <summary>The report's first table: each figure beside its issue 7 target, measured, and the verdict.</summary>
internal static class TargetTable
{
    private const double MySqlStepsTarget = 5_000;
    private const double MySqlStepsAim = 10_000;
    private const double SqliteStepsTarget = 2_000;
    private const double GapP50TargetMs = 5;
    private const double GapP99TargetMs = 50;
    private const double IdleP50TargetMs = 30;
    private const double HttpTarget = 3_000;
    private const double GrowthFloor = 0.8;
    private const double MemoryTargetMb = 300;

    /// <returns>Rows of figure, target, measured and verdict.</returns>
    public static List<string[]> Rows(BenchmarkResult result) =>
    [
        StepsRow(result),
        PickupRow(result),
        IdleRow(result),
        HttpRow(result),
        GrowthRow(result),
        MemoryRow(result),
        .. RawRows(result),
    ];

    private static string[] StepsRow(BenchmarkResult result)
    {
        var options = result.Options;
        var mySql = result.StoreName == "MySQL";
        return
        [
            $"{result.StoreName}, task steps/s, {options.Workflows:N0} × {options.Steps}-step no-op workflows, steady state ({options.Starters} concurrent starters)",
            mySql ? $"≥ {MySqlStepsTarget:N0} (aim {MySqlStepsAim:N0})" : $"≥ {SqliteStepsTarget:N0}",
            StepsMeasured(result),
            StepsVerdict(result, mySql ? MySqlStepsTarget : SqliteStepsTarget),
        ];
    }

    private static string[] PickupRow(BenchmarkResult result)
    {
        var halfLoad = result.Latency?.HalfLoad;
        return
        [
            halfLoad is null ? "step-to-next-step pickup at half load, p50 / p99" : $"step-to-next-step pickup at half load ({halfLoad.TargetRate:N0} workflows/s), p50 / p99",
            $"≤ {GapP50TargetMs:N0} ms / ≤ {GapP99TargetMs:N0} ms",
            halfLoad is null
                ? NotRun(result, BenchmarkPart.Latency)
                : $"{Ms(halfLoad.StepGap.P50)} / {Ms(halfLoad.StepGap.P99)} (TASK_COMPLETED to the next TASK_STARTED; step interval, TASK_COMPLETED to the next TASK_COMPLETED: {Ms(halfLoad.StepInterval.P50)} / {Ms(halfLoad.StepInterval.P99)})",
            halfLoad is null || halfLoad.StepGap.Count == 0 ? "—" : PickupVerdict(halfLoad),
        ];
    }

    private static string[] IdleRow(BenchmarkResult result)
    {
        var idle = result.Latency?.Idle;
        return
        [
            $"{result.Options.Steps}-step workflow, idle system, create to COMPLETED p50",
            $"≤ {IdleP50TargetMs:N0} ms",
            idle is null ? NotRun(result, BenchmarkPart.Latency) : Ms(idle.CreateToCompleted.P50),
            idle is null ? "—" : AtMost(idle.CreateToCompleted.P50, IdleP50TargetMs),
        ];
    }

    private static string[] HttpRow(BenchmarkResult result) =>
    [
        $"HTTP POST /workflows per second, {result.Options.HttpClients} keep-alive clients",
        $"≥ {HttpTarget:N0}",
        result.Http is { } http ? $"{http.Load.OkPerSecond:N0} (host roles {http.Roles}; {http.Load.Failed:N0} not 2xx)" : NotRun(result, BenchmarkPart.Http),
        result.Http is { } measured ? AtLeast(measured.Load.OkPerSecond, HttpTarget) : "—",
    ];

    private static string[] GrowthRow(BenchmarkResult result) => result.Growth is { } growth
        ?
        [
            $"growth: the throughput run with {growth.SeededTasks:N0} more finished tasks in the tables",
            "within 20% of the empty-table figure",
            GrowthMeasured(growth),
            GrowthVerdict(growth),
        ]
        :
        [
            "growth: the throughput run with many more finished tasks in the tables",
            "within 20% of the empty-table figure",
            NotRun(result, BenchmarkPart.Growth),
            "—",
        ];

    private static string[] MemoryRow(BenchmarkResult result)
    {
        var memory = result.Memory;
        var memoryPeak = memory is null ? 0 : Math.Max(memory.WhileDraining.HighWaterMb, memory.WhileQueued.HighWaterMb);
        return
        [
            $"memory: host working set with {result.Options.MemoryWorkflows:N0} PENDING workflows queued",
            $"< {MemoryTargetMb:N0} MB",
            memory is null
                ? NotRun(result, BenchmarkPart.Memory)
                : string.Create(CultureInfo.InvariantCulture, $"{memory.WhileDraining.HighWaterMb:N0} MB peak while draining; {memory.WhileQueued.HighWaterMb:N0} MB peak while only queued (API-only host)"),
            memory is null ? "—" : memoryPeak < MemoryTargetMb ? "met" : string.Create(CultureInfo.InvariantCulture, $"not met ({memoryPeak / MemoryTargetMb:F2}× the limit)"),
        ];
    }

    private static IEnumerable<string[]> RawRows(BenchmarkResult result)
    {
        if (result.Raw.Count == 0)
        {
            return [["raw ceiling (the store adapter alone): engine / raw", "—", NotRun(result, BenchmarkPart.Raw), "—"]];
        }

        return result.Raw.Select(raw => new[]
        {
            $"raw ceiling, the store adapter alone ({Describe(raw.Mode)}), {raw.Batch} task(s) per transaction, {raw.Connections} connections: engine / raw",
            "— (how close the engine comes to its store adapter's own transactions, with no worker around them)",
            $"raw {raw.StepsPerSecond:N0} steps/s; {Ratios(result, raw)}",
            "—",
        });
    }

    private static string Ratios(BenchmarkResult result, RawResult raw)
    {
        var ratios = new List<string>();
        if (result.Drain is { } drain)
        {
            ratios.Add(string.Create(CultureInfo.InvariantCulture, $"engine drain / raw = {drain.StepsPerSecond / raw.StepsPerSecond:F2}"));
        }

        if (result.Throughput is { } throughput)
        {
            ratios.Add(string.Create(CultureInfo.InvariantCulture, $"engine throughput (with starters) / raw = {throughput.StepsPerSecond / raw.StepsPerSecond:F2}"));
        }

        return ratios.Count > 0 ? string.Join("; ", ratios) : "no engine figure to compare";
    }

    private static string StepsMeasured(BenchmarkResult result)
    {
        var parts = new List<string>();
        if (result.Throughput is { } throughput)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{throughput.StepsPerSecond:N0} with the starters creating ({throughput.WorkflowsPerSecond:N0} workflows/s){(StarterBound(throughput) ? ", bound by the creates" : string.Empty)}{Spread(result.ThroughputRuns)}"));
        }

        if (result.Drain is { } drain)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{drain.StepsPerSecond:N0} draining a seeded backlog{Spread(result.DrainRuns)}"));
        }

        return parts.Count > 0 ? string.Join("; ", parts) : NotRun(result, BenchmarkPart.Throughput);
    }

    private static string StepsVerdict(BenchmarkResult result, double target)
    {
        var parts = new List<string>();
        if (result.Throughput is { } throughput)
        {
            parts.Add("with starters " + AtLeast(throughput.StepsPerSecond, target));
        }

        if (result.Drain is { } drain)
        {
            parts.Add("drain " + AtLeast(drain.StepsPerSecond, target));
        }

        return parts.Count > 0 ? string.Join("; ", parts) : "—";
    }

    /// <summary>" (median of 3, 5,900–6,300; 0 writes retried, 0 leases expired)": what a repeated figure's runs spread over.</summary>
    private static string Spread(IReadOnlyList<ThroughputResult>? runs) => runs is not { Count: > 1 }
        ? string.Empty
        : string.Create(CultureInfo.InvariantCulture,
            $" (median of {runs.Count}, {runs.Min(run => run.StepsPerSecond):N0}–{runs.Max(run => run.StepsPerSecond):N0}; " +
            $"{runs.Sum(run => run.RetriedWrites)} writes retried, {runs.Sum(run => run.ExpiredLeases)} leases expired)");

    private static string GrowthMeasured(GrowthResult growth)
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"throughput {growth.After.StepsPerSecond:N0} vs {growth.Before.StepsPerSecond:N0} steps/s: {growth.Ratio:F2}×");
        return growth.DrainRatio is { } drainRatio
            ? text + string.Create(
                CultureInfo.InvariantCulture,
                $"; drain {growth.DrainAfter!.StepsPerSecond:N0} vs {growth.DrainBefore!.StepsPerSecond:N0} steps/s: {drainRatio:F2}×")
            : text;
    }

    private static string GrowthVerdict(GrowthResult growth)
    {
        var worst = Math.Min(growth.Ratio, growth.DrainRatio ?? growth.Ratio);
        return worst >= GrowthFloor
            ? "met"
            : string.Create(CultureInfo.InvariantCulture, $"not met ({(1 - worst) * 100:F0}% slower)");
    }

    /// <summary>
    /// The gap as defined (next TASK_STARTED minus TASK_COMPLETED) is 0 by construction when the engine hands the next
    /// step over in the transaction that completes the step before: both rows carry that transaction's time. The verdict
    /// says so, and judges the step interval against the same limits, since that is where the waiting went.
    /// </summary>
    private static string PickupVerdict(HalfLoadResult halfLoad)
    {
        var gap = Both(AtMost(halfLoad.StepGap.P50, GapP50TargetMs), AtMost(halfLoad.StepGap.P99, GapP99TargetMs));
        if (halfLoad.StepGap.P99 > 0)
        {
            return gap;
        }

        var interval = Both(AtMost(halfLoad.StepInterval.P50, GapP50TargetMs), AtMost(halfLoad.StepInterval.P99, GapP99TargetMs));
        return $"gap {gap}, by construction (next step handed over in the completing transaction); step interval {interval}";
    }

    private static string Both(string first, string second) =>
        first == "met" && second == "met" ? "met" : $"p50 {first}; p99 {second}";

    private static string NotRun(BenchmarkResult result, BenchmarkPart part) =>
        result.Options.Runs(part) ? "failed (see below)" : "not run";

    private static string AtLeast(double value, double target) => value >= target
        ? "met"
        : string.Create(CultureInfo.InvariantCulture, $"not met ({value / target:F2}× of {target:N0})");

    private static string AtMost(double value, double limit) => value <= limit
        ? "met"
        : string.Create(CultureInfo.InvariantCulture, $"not met ({value / limit:F1}× the limit)");
}
