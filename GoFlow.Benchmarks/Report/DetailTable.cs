using System.Globalization;
using GoFlow.Benchmarks.ChildHost;
using GoFlow.Benchmarks.Measurements;
using static GoFlow.Benchmarks.Report.ReportText;

namespace GoFlow.Benchmarks.Report;

/// <summary>The report's second table: the details of every part that ran, one figure a row.</summary>
internal static class DetailTable
{
    /// <returns>Rows of figure and value.</returns>
    public static List<string[]> Rows(BenchmarkResult result)
    {
        var rows = new List<string[]>();
        AddEngineRuns(rows, result);
        AddLatency(rows, result.Latency);
        AddRaw(rows, result.Raw);
        AddGrowth(rows, result.Growth);
        AddHttp(rows, result);
        AddMemory(rows, result);
        if (rows.Count == 0)
        {
            rows.Add(["(nothing measured)", "—"]);
        }

        return rows;
    }

    private static void AddEngineRuns(List<string[]> rows, BenchmarkResult result)
    {
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
    }

    /// <summary>Issue 16's two cost figures, measured over the run's window (<see cref="ProcessCost"/>).</summary>
    private const string CostFigure =
        "CPU time per task step in the GoFlow process (no-op handler); allocations per task step";

    /// <summary><c>median (min–max)</c> of a figure over the runs.</summary>
    private static string Median(IReadOnlyList<ThroughputResult> runs, Func<ThroughputResult, double> figure, string format)
    {
        var values = runs.Select(figure).Order().ToList();
        var median = values[(values.Count - 1) / 2];
        return string.Create(CultureInfo.InvariantCulture,
            $"{median.ToString(format, CultureInfo.InvariantCulture)} ({values[0].ToString(format, CultureInfo.InvariantCulture)}–{values[^1].ToString(format, CultureInfo.InvariantCulture)})");
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
        if (runs.All(run => run.Cost is not null))
        {
            rows.Add([
                $"{name}: {CostFigure}, median (min–max)",
                $"{Median(runs, run => run.CpuMicrosecondsPerStep!.Value, "N0")} µs; {Median(runs, run => run.AllocatedBytesPerStep!.Value, "N0")} bytes",
            ]);
        }

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
        if (run.Cost is not null)
        {
            rows.Add([$"{name}: {CostFigure}", string.Create(CultureInfo.InvariantCulture,
                $"{run.CpuMicrosecondsPerStep:N0} µs; {run.AllocatedBytesPerStep:N0} bytes")]);
        }

        rows.Add([$"{name}: create to COMPLETED p50 / p95 / p99 (behind the backlog)", run.CreateToCompleted.ToString()]);
        rows.Add([$"{name}: step-to-next-step gap p50 / p95 / p99 (behind the backlog, {run.StepGap.Count} gaps)", run.StepGap.ToString()]);
        rows.Add([$"{name}: step interval (TASK_COMPLETED to the next TASK_COMPLETED) p50 / p95 / p99", run.StepInterval.ToString()]);
    }

    private static void AddLatency(List<string[]> rows, LatencyResult? latency)
    {
        if (latency?.Idle is { } idle)
        {
            rows.Add([$"idle: create to COMPLETED p50 / p95 / p99 ({idle.Samples} workflows one at a time)", idle.CreateToCompleted.ToString()]);
            rows.Add([$"idle: step-to-next-step gap p50 / p95 / p99 ({idle.StepGap.Count} gaps)", idle.StepGap.ToString()]);
            rows.Add([$"idle: step interval (TASK_COMPLETED to the next TASK_COMPLETED) p50 / p95 / p99", idle.StepInterval.ToString()]);
        }

        if (latency?.HalfLoad is { } half)
        {
            rows.Add(["half load: start rate (half of the throughput run's workflows/s), achieved",
                string.Create(CultureInfo.InvariantCulture, $"{half.TargetRate:F1} workflows/s asked ({half.BasedOnWorkflowsPerSecond:F1} / 2 unless --half-load-rate), {half.AchievedRate:F1} achieved, {half.Workflows} workflows")]);
            rows.Add([$"half load: step-to-next-step gap p50 / p95 / p99 ({half.StepGap.Count} gaps)", half.StepGap.ToString()]);
            rows.Add(["half load: step interval (TASK_COMPLETED to the next TASK_COMPLETED) p50 / p95 / p99", half.StepInterval.ToString()]);
            rows.Add(["half load: create to COMPLETED p50 / p95 / p99", half.CreateToCompleted.ToString()]);
        }
    }

    private static void AddRaw(List<string[]> rows, IReadOnlyList<RawResult> replays)
    {
        foreach (var raw in replays)
        {
            rows.Add([
                $"raw replay ({Describe(raw.Mode)}), {raw.Batch} task(s) per transaction, {raw.Connections} connections",
                string.Create(CultureInfo.InvariantCulture,
                    $"{raw.StepsPerSecond:N0} steps/s: {raw.Workflows:N0} × {raw.Steps} steps in {raw.Seconds:F2} s, {raw.Transactions:N0} transactions, {raw.Retries} retried (deadlock/busy), {raw.EmptyClaims:N0} empty claims"),
            ]);
        }
    }

    private static void AddGrowth(List<string[]> rows, GrowthResult? growth)
    {
        if (growth is null)
        {
            return;
        }

        rows.Add(["growth: seeded", string.Create(CultureInfo.InvariantCulture, $"{growth.SeededTasks:N0} finished tasks with their workflows and activity rows, in {growth.SeedSeconds:F1} s")]);
        rows.Add(["growth: before", string.Create(CultureInfo.InvariantCulture, $"{growth.Before.StepsPerSecond:N0} steps/s with {growth.Before.TaskRowsBefore:N0} task rows in the table")]);
        rows.Add(["growth: after", string.Create(CultureInfo.InvariantCulture, $"{growth.After.StepsPerSecond:N0} steps/s with {growth.After.TaskRowsBefore:N0} task rows in the table; create to COMPLETED {growth.After.CreateToCompleted}")]);
        if (growth.DrainBefore is { } drainBefore && growth.DrainAfter is { } drainAfter)
        {
            rows.Add(["growth: drain before / after", string.Create(CultureInfo.InvariantCulture,
                $"{drainBefore.StepsPerSecond:N0} steps/s with {drainBefore.TaskRowsBefore:N0} task rows / {drainAfter.StepsPerSecond:N0} steps/s with {drainAfter.TaskRowsBefore:N0} task rows")]);
        }

        if (growth.Swept is { } swept)
        {
            AddSwept(rows, "throughput", swept.Retention, swept.Throughput, growth.After, growth.Before);
            if (swept.Drain is { } drain && growth.DrainAfter is { } drainWithoutSweep && growth.DrainBefore is { } drainBeforeGrowth)
            {
                AddSwept(rows, "drain", swept.Retention, drain, drainWithoutSweep, drainBeforeGrowth);
            }
        }
    }

    /// <summary>A run with the retention sweep deleting the seeded workflows, set beside the same run without it and before growth.</summary>
    private static void AddSwept(
        List<string[]> rows, string name, TimeSpan retention, ThroughputResult swept, ThroughputResult withoutSweep, ThroughputResult beforeGrowth)
    {
        var deleted = swept.Sweep is { } sweep
            ? string.Create(CultureInfo.InvariantCulture,
                $"; the sweep deleted {sweep.WorkflowsDeleted:N0} workflows ({sweep.WorkflowsPerSecond:N0}/s over {sweep.Seconds:F1} s) while the run finished {swept.WorkflowsPerSecond:N0}/s")
            : string.Empty;
        rows.Add([
            $"growth: {name} with the retention sweep on (Retention:MaxAge {retention})",
            string.Create(CultureInfo.InvariantCulture,
                $"{swept.StepsPerSecond:N0} steps/s with {swept.TaskRowsBefore:N0} task rows in the table: {swept.StepsPerSecond / withoutSweep.StepsPerSecond:F2}× the run with the sweep off, {swept.StepsPerSecond / beforeGrowth.StepsPerSecond:F2}× before growth{deleted}; {swept.RetriedWrites} writes retried, {swept.ExpiredLeases} leases expired"),
        ]);
    }

    private static void AddHttp(List<string[]> rows, BenchmarkResult result)
    {
        if (result.Http is not { } http)
        {
            return;
        }

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

    private static void AddMemory(List<string[]> rows, BenchmarkResult result)
    {
        if (result.Memory is not { } memory)
        {
            return;
        }

        rows.Add(["memory: queued", string.Create(CultureInfo.InvariantCulture, $"{memory.Queued:N0} PENDING workflows, posted at {memory.Queueing.OkPerSecond:N0}/s by {result.Options.HttpClients} clients{Errors(memory.Queueing)}")]);
        rows.Add(["memory: API-only host while queueing and holding the backlog (VmRSS sampled every 100 ms / VmHWM / at the end)", Mb(memory.WhileQueued)]);
        rows.Add(["memory: Api,Worker host from launch until drained (VmRSS sampled every 100 ms / VmHWM / at the end)", Mb(memory.WhileDraining)]);
        rows.Add(["memory: drain", memory.Drain is { } drained
            ? string.Create(CultureInfo.InvariantCulture, $"{memory.DrainSeconds:F1} s from launch, {drained.StepsPerSecond:N0} steps/s from the first claim")
            : $"not drained: {memory.LeftUnfinished:N0} left after the timeout"]);
    }

    private static string Errors(HttpLoadFigures load) =>
        load.Errors.Count == 0
            ? string.Empty
            : " (" + string.Join(", ", load.Errors.OrderByDescending(e => e.Value).Take(5).Select(e => $"{e.Value:N0} × {e.Key}")) + ")";

    private static string Mb(MemoryFigures figures) => string.Create(
        CultureInfo.InvariantCulture,
        $"peak {figures.PeakMb:N0} MB / {figures.HighWaterMb:N0} MB / {figures.LastMb:N0} MB ({figures.Samples} samples)");
}
