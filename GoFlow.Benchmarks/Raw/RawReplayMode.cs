namespace GoFlow.Benchmarks.Raw;

/// <summary>How the raw replay's completion leaves the next step.</summary>
internal enum RawReplayMode
{
    /// <summary>The next step's task is inserted PENDING and claimed again like any other (one claim per step).</summary>
    Pending,

    /// <summary>The next step's task is inserted RUNNING under the same lease and run at once, without a claim.</summary>
    HandOver,
}
