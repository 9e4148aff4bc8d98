using System.Globalization;
using GoFlow.Benchmarks.Raw;

namespace GoFlow.Benchmarks.Report;

/// <summary>The wording both tables of the report share.</summary>
internal static class ReportText
{
    public static string Ms(double milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:F1} ms");

    public static string Describe(RawReplayMode mode) => mode == RawReplayMode.HandOver
        ? "next step handed over RUNNING in the completing transaction"
        : "next step inserted PENDING and claimed again";

    /// <summary>Starting the workflows took nearly the whole run: the worker kept up, and the creates set the pace.</summary>
    public static bool StarterBound(ThroughputResult run) => run.StartSeconds is { } seconds && seconds >= 0.9 * run.WallSeconds;
}
