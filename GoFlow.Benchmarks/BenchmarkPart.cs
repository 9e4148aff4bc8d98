namespace GoFlow.Benchmarks;

/// <summary>The measurements the benchmark can run; <c>--only</c> picks some, by these names in lower case.</summary>
public enum BenchmarkPart
{
    /// <summary>N workflows started by concurrent starters while the in-process worker runs them.</summary>
    Throughput,

    /// <summary>N workflows seeded PENDING in bulk, then run by the in-process worker: the engine's own step rate.</summary>
    Drain,

    /// <summary>Create to COMPLETED on an idle system, and the step-to-next-step gap at half the measured load.</summary>
    Latency,

    /// <summary>The engine's SQL per step replayed with plain commands, no engine code: the ceiling.</summary>
    Raw,

    /// <summary>POST /workflows per second against GoFlow.Host started as a child process.</summary>
    Http,

    /// <summary>The host's working set with a backlog of PENDING workflows queued, then while it drains them.</summary>
    Memory,

    /// <summary>Throughput again after seeding many finished tasks; the claim query's plan.</summary>
    Growth,
}
