namespace GoFlow.Benchmarks;

/// <summary>
/// One workflow name per kind of run, so that each run's rows are found by name and start time (an index serves it),
/// and the history of earlier runs in the same database can be told apart.
/// </summary>
internal static class WorkflowNames
{
    public const string Throughput = "Bench";
    public const string Drain = "BenchDrain";
    public const string Idle = "BenchIdle";
    public const string HalfLoad = "BenchHalfLoad";
    public const string Raw = "BenchRaw";
    public const string History = "BenchHistory";
    public const string Http = "BenchHttp";
    public const string Memory = "BenchMemory";

    /// <summary>The workflows the in-process engine defines, each of M no-op steps Noop1..NoopM.</summary>
    public static IReadOnlyList<string> InProcess { get; } = [Throughput, Drain, Idle, HalfLoad, Raw, History];

    /// <summary>The task name of step <paramref name="stepIndex"/> (from 0) of the in-process workflows.</summary>
    public static string NoopTask(int stepIndex) => $"Noop{stepIndex + 1}";
}
