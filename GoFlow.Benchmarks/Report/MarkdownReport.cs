using System.Globalization;
using System.Text;
using GoFlow.Benchmarks.ChildHost;
using GoFlow.Benchmarks.Measurements;
using GoFlow.Benchmarks.Raw;

namespace GoFlow.Benchmarks.Report;

/// <summary>
/// The report: the machine, the database and its durability, the options, then each figure beside its issue 7 target,
/// then the details of every part, as Markdown.
/// </summary>
internal static class MarkdownReport
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

    public static string Build(BenchmarkResult result)
    {
        var text = new StringBuilder();
        var options = result.Options;
        Line(text, $"### {result.StoreName}, {result.StartedAt:yyyy-MM-dd HH:mm} UTC");
        Line(text);
        Table(text, ["setting", "value"], [
            ["machine", result.Machine.ToString()],
            ["database", result.Store.Summary],
            ["durability", string.Join(", ", result.Store.Durability.Select(setting => $"{setting.Key}={setting.Value}"))],
            ["options", options.Describe()],
        ]);

        Line(text, "#### Against the targets of issue 7");
        Line(text);
        Table(text, ["figure", "target", "measured", "verdict"], TargetRows(result));

        Line(text, "#### Details");
        Line(text);
        Table(text, ["figure", "value"], DetailRows(result));

        if (result.Growth is { } growth)
        {
            Line(text, $"#### Plan of the claim SELECT ({(result.StoreName == "MySQL" ? "EXPLAIN" : "EXPLAIN QUERY PLAN")}, after seeding {growth.SeededTasks:N0} finished tasks)");
            Line(text);
            Line(text, "```");
            Line(text, growth.ClaimPlan);
            Line(text, "```");
            Line(text);
        }

        if (result.Failures.Count > 0)
        {
            Line(text, "#### Parts that failed");
            Line(text);
            foreach (var failure in result.Failures)
            {
                Line(text, $"- {failure.ReplaceLineEndings(" ")}");
            }

            Line(text);
        }

        return text.ToString();
    }

    private static List<string[]> TargetRows(BenchmarkResult result)
    {
        var options = result.Options;
        var rows = new List<string[]>();
        var mySql = result.StoreName == "MySQL";
        var stepsTarget = mySql ? MySqlStepsTarget : SqliteStepsTarget;
        rows.Add([
            $"{result.StoreName}, task steps/s, {options.Workflows:N0} × {options.Steps}-step no-op workflows, steady state ({options.Starters} concurrent starters)",
            mySql ? $"≥ {MySqlStepsTarget:N0} (aim {MySqlStepsAim:N0})" : $"≥ {SqliteStepsTarget:N0}",
            StepsMeasured(result),
            StepsVerdict(result, stepsTarget),
        ]);

        var halfLoad = result.Latency?.HalfLoad;
        rows.Add([
            halfLoad is null ? "step-to-next-step pickup at half load, p50 / p99" : $"step-to-next-step pickup at half load ({halfLoad.TargetRate:N0} workflows/s), p50 / p99",
            $"≤ {GapP50TargetMs:N0} ms / ≤ {GapP99TargetMs:N0} ms",
            halfLoad is null
                ? NotRun(result, BenchmarkPart.Latency)
                : $"{Ms(halfLoad.StepGap.P50)} / {Ms(halfLoad.StepGap.P99)} (TASK_COMPLETED to the next TASK_STARTED; step interval, TASK_COMPLETED to the next TASK_COMPLETED: {Ms(halfLoad.StepInterval.P50)} / {Ms(halfLoad.StepInterval.P99)})",
            halfLoad is null || halfLoad.StepGap.Count == 0 ? "—" : PickupVerdict(halfLoad),
        ]);

        var idle = result.Latency?.Idle;
        rows.Add([
            $"{options.Steps}-step workflow, idle system, create to COMPLETED p50",
            $"≤ {IdleP50TargetMs:N0} ms",
            idle is null ? NotRun(result, BenchmarkPart.Latency) : Ms(idle.CreateToCompleted.P50),
            idle is null ? "—" : AtMost(idle.CreateToCompleted.P50, IdleP50TargetMs),
        ]);

        rows.Add([
            $"HTTP POST /workflows per second, {options.HttpClients} keep-alive clients",
            $"≥ {HttpTarget:N0}",
            result.Http is { } http ? $"{http.Load.OkPerSecond:N0} (host roles {http.Roles}; {http.Load.Failed:N0} not 2xx)" : NotRun(result, BenchmarkPart.Http),
            result.Http is { } http2 ? AtLeast(http2.Load.OkPerSecond, HttpTarget) : "—",
        ]);

        rows.Add([
            result.Growth is { } g ? $"growth: the throughput run with {g.SeededTasks:N0} more finished tasks in the tables" : "growth: the throughput run with many more finished tasks in the tables",
            "within 20% of the empty-table figure",
            result.Growth is { } g2 ? GrowthMeasured(g2) : NotRun(result, BenchmarkPart.Growth),
            result.Growth is { } g3 ? GrowthVerdict(g3) : "—",
        ]);

        var memory = result.Memory;
        var memoryPeak = memory is null ? 0 : Math.Max(memory.WhileDraining.HighWaterMb, memory.WhileQueued.HighWaterMb);
        rows.Add([
            $"memory: host working set with {options.MemoryWorkflows:N0} PENDING workflows queued",
            $"< {MemoryTargetMb:N0} MB",
            memory is null
                ? NotRun(result, BenchmarkPart.Memory)
                : string.Create(CultureInfo.InvariantCulture, $"{memory.WhileDraining.HighWaterMb:N0} MB peak while draining; {memory.WhileQueued.HighWaterMb:N0} MB peak while only queued (API-only host)"),
            memory is null ? "—" : memoryPeak < MemoryTargetMb ? "met" : string.Create(CultureInfo.InvariantCulture, $"not met ({memoryPeak / MemoryTargetMb:F2}× the limit)"),
        ]);

        foreach (var raw in result.Raw)
        {
            rows.Add([
                $"raw SQL ceiling ({Describe(raw.Mode)}), {raw.Batch} task(s) per transaction, {raw.Connections} connections: engine / raw",
                "— (how close the engine comes to what the database allows)",
                $"raw {raw.StepsPerSecond:N0} steps/s; {Ratios(result, raw)}",
                "—",
            ]);
        }

        if (result.Raw.Count == 0)
        {
            rows.Add(["raw SQL ceiling: engine / raw", "—", NotRun(result, BenchmarkPart.Raw), "—"]);
        }

        return rows;
    }

    private static List<string[]> DetailRows(BenchmarkResult result)
    {
        var rows = new List<string[]>();
        if (result.Throughput is { } throughput)
        {
            AddRuns(rows, "throughput", result.ThroughputRuns);
            AddThroughput(rows, "throughput (the median run)", throughput);
        }

        if (result.Drain is { } drain)
        {
            AddRuns(rows, "drain", result.DrainRuns);
            AddThroughput(rows, "drain (seeded PENDING, then the worker; the median run)", drain);
        }

        if (result.Latency?.Idle is { } idle)
        {
            rows.Add([$"idle: create to COMPLETED p50 / p95 / p99 ({idle.Samples} workflows one at a time)", idle.CreateToCompleted.ToString()]);
            rows.Add([$"idle: step-to-next-step gap p50 / p95 / p99 ({idle.StepGap.Count} gaps)", idle.StepGap.ToString()]);
            rows.Add([$"idle: step interval (TASK_COMPLETED to the next TASK_COMPLETED) p50 / p95 / p99", idle.StepInterval.ToString()]);
        }

        if (result.Latency?.HalfLoad is { } half)
        {
            rows.Add(["half load: start rate (half of the throughput run's workflows/s), achieved",
                string.Create(CultureInfo.InvariantCulture, $"{half.TargetRate:F1} workflows/s asked ({half.BasedOnWorkflowsPerSecond:F1} / 2 unless --half-load-rate), {half.AchievedRate:F1} achieved, {half.Workflows} workflows")]);
            rows.Add([$"half load: step-to-next-step gap p50 / p95 / p99 ({half.StepGap.Count} gaps)", half.StepGap.ToString()]);
            rows.Add(["half load: step interval (TASK_COMPLETED to the next TASK_COMPLETED) p50 / p95 / p99", half.StepInterval.ToString()]);
            rows.Add(["half load: create to COMPLETED p50 / p95 / p99", half.CreateToCompleted.ToString()]);
        }

        foreach (var raw in result.Raw)
        {
            rows.Add([
                $"raw replay ({Describe(raw.Mode)}), {raw.Batch} task(s) per transaction, {raw.Connections} connections",
                string.Create(CultureInfo.InvariantCulture,
                    $"{raw.StepsPerSecond:N0} steps/s: {raw.Workflows:N0} × {raw.Steps} steps in {raw.Seconds:F2} s, {raw.Transactions:N0} transactions, {raw.Retries} retried (deadlock/busy), {raw.EmptyClaims:N0} empty claims"),
            ]);
        }

        if (result.Growth is { } growth)
        {
            rows.Add(["growth: seeded", string.Create(CultureInfo.InvariantCulture, $"{growth.SeededTasks:N0} finished tasks with their workflows and activity rows, in {growth.SeedSeconds:F1} s")]);
            rows.Add(["growth: before", string.Create(CultureInfo.InvariantCulture, $"{growth.Before.StepsPerSecond:N0} steps/s with {growth.Before.TaskRowsBefore:N0} task rows in the table")]);
            rows.Add(["growth: after", string.Create(CultureInfo.InvariantCulture, $"{growth.After.StepsPerSecond:N0} steps/s with {growth.After.TaskRowsBefore:N0} task rows in the table; create to COMPLETED {growth.After.CreateToCompleted}")]);
            if (growth.DrainBefore is { } drainBefore && growth.DrainAfter is { } drainAfter)
            {
                rows.Add(["growth: drain before / after", string.Create(CultureInfo.InvariantCulture,
                    $"{drainBefore.StepsPerSecond:N0} steps/s with {drainBefore.TaskRowsBefore:N0} task rows / {drainAfter.StepsPerSecond:N0} steps/s with {drainAfter.TaskRowsBefore:N0} task rows")]);
            }
        }

        if (result.Http is { } http)
        {
            rows.Add(["http: host", $"{http.HostDll}, roles {http.Roles}, workflow of {string.Join(", ", ChildHostSettings.StepHandlers.Take(result.Options.Steps))} (sample handlers)"]);
            rows.Add(["http: answers", string.Create(CultureInfo.InvariantCulture, $"{http.Load.Ok:N0} 2xx and {http.Load.Failed:N0} others in {http.Load.Seconds:F1} s{Errors(http.Load)}")]);
            rows.Add(["http: POST latency p50 / p95 / p99", http.Load.Latency.ToString()]);
            if (http.Drain is { } posted)
            {
                rows.Add(["http: the host's run of the posted workflows (first created to last COMPLETED)",
                    string.Create(CultureInfo.InvariantCulture, $"{posted.Workflows:N0} workflows, {posted.StepsPerSecond:N0} steps/s, create to COMPLETED {posted.CreateToCompleted}")]);
            }

            if (http.LeftUnfinished > 0)
            {
                rows.Add(["http: left unfinished", $"{http.LeftUnfinished:N0} workflows (no worker, or the timeout passed)"]);
            }
        }

        if (result.Memory is { } memory)
        {
            rows.Add(["memory: queued", string.Create(CultureInfo.InvariantCulture, $"{memory.Queued:N0} PENDING workflows, posted at {memory.Queueing.OkPerSecond:N0}/s by {result.Options.HttpClients} clients{Errors(memory.Queueing)}")]);
            rows.Add(["memory: API-only host while queueing and holding the backlog (VmRSS sampled every 100 ms / VmHWM / at the end)", Mb(memory.WhileQueued)]);
            rows.Add(["memory: Api,Worker host from launch until drained (VmRSS sampled every 100 ms / VmHWM / at the end)", Mb(memory.WhileDraining)]);
            rows.Add(["memory: drain", memory.Drain is { } drained
                ? string.Create(CultureInfo.InvariantCulture, $"{memory.DrainSeconds:F1} s from launch, {drained.StepsPerSecond:N0} steps/s from the first claim")
                : $"not drained: {memory.LeftUnfinished:N0} left after the timeout"]);
        }

        if (rows.Count == 0)
        {
            rows.Add(["(nothing measured)", "—"]);
        }

        return rows;
    }

    /// <summary>Every run of a repeated figure, in order: its steps/s, the writes it retried and the leases that expired.</summary>
    private static void AddRuns(List<string[]> rows, string name, IReadOnlyList<ThroughputResult>? runs)
    {
        if (runs is not { Count: > 0 })
        {
            return;
        }

        rows.Add([
            $"{name}: {runs.Count} runs, task steps/s median (min–max)",
            string.Create(CultureInfo.InvariantCulture,
                $"{RepeatedRuns.Median(runs).StepsPerSecond:N0} ({runs.Min(run => run.StepsPerSecond):N0}–{runs.Max(run => run.StepsPerSecond):N0}); each: {string.Join(", ", runs.Select(run => run.StepsPerSecond.ToString("N0", CultureInfo.InvariantCulture)))}"),
        ]);
        rows.Add([
            $"{name}: writes retried (transient conflicts), leases expired, per run",
            string.Join(", ", runs.Select(run => string.Create(CultureInfo.InvariantCulture, $"{run.RetriedWrites} / {run.ExpiredLeases}"))),
        ]);
    }

    private static void AddThroughput(List<string[]> rows, string name, ThroughputResult run)
    {
        var started = run.StartSeconds is { } seconds
            ? string.Create(CultureInfo.InvariantCulture, $" (starting all took {seconds:F2} s{(StarterBound(run) ? ": the creates set the pace" : string.Empty)})")
            : string.Empty;
        rows.Add([$"{name}: wall time", string.Create(CultureInfo.InvariantCulture, $"{run.WallSeconds:F2} s{started}; {run.TaskRowsBefore:N0} task rows in the table before")]);
        rows.Add([$"{name}: task steps/s, workflows/s", string.Create(CultureInfo.InvariantCulture, $"{run.StepsPerSecond:N0}, {run.WorkflowsPerSecond:N0}")]);
        rows.Add([$"{name}: create to COMPLETED p50 / p95 / p99 (behind the backlog)", run.CreateToCompleted.ToString()]);
        rows.Add([$"{name}: step-to-next-step gap p50 / p95 / p99 (behind the backlog, {run.StepGap.Count} gaps)", run.StepGap.ToString()]);
        rows.Add([$"{name}: step interval (TASK_COMPLETED to the next TASK_COMPLETED) p50 / p95 / p99", run.StepInterval.ToString()]);
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

    /// <summary>Starting the workflows took nearly the whole run: the worker kept up, and the creates set the pace.</summary>
    private static bool StarterBound(ThroughputResult run) => run.StartSeconds is { } seconds && seconds >= 0.9 * run.WallSeconds;

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

    private static string Describe(RawReplayMode mode) => mode == RawReplayMode.HandOver
        ? "next step handed over RUNNING in the completing transaction"
        : "next step inserted PENDING and claimed again";

    private static string Errors(HttpLoadFigures load) =>
        load.Errors.Count == 0
            ? string.Empty
            : " (" + string.Join(", ", load.Errors.OrderByDescending(e => e.Value).Take(5).Select(e => $"{e.Value:N0} × {e.Key}")) + ")";

    private static string Mb(MemoryFigures figures) => string.Create(
        CultureInfo.InvariantCulture,
        $"peak {figures.PeakMb:N0} MB / {figures.HighWaterMb:N0} MB / {figures.LastMb:N0} MB ({figures.Samples} samples)");

    private static string NotRun(BenchmarkResult result, BenchmarkPart part) =>
        result.Options.Runs(part) ? "failed (see below)" : "not run";

    private static string AtLeast(double value, double target) => value >= target
        ? "met"
        : string.Create(CultureInfo.InvariantCulture, $"not met ({value / target:F2}× of {target:N0})");

    private static string AtMost(double value, double limit) => value <= limit
        ? "met"
        : string.Create(CultureInfo.InvariantCulture, $"not met ({value / limit:F1}× the limit)");

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

    private static string Ms(double milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:F1} ms");

    private static void Table(StringBuilder text, string[] header, IEnumerable<string[]> rows)
    {
        Line(text, "| " + string.Join(" | ", header) + " |");
        Line(text, "|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in rows)
        {
            Line(text, "| " + string.Join(" | ", row.Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }

        Line(text);
    }

    private static void Line(StringBuilder text, string line = "") => text.Append(line).Append('\n');
}
