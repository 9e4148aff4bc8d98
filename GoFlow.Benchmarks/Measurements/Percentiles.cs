using System.Globalization;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>Nearest-rank percentiles of a set of durations in milliseconds.</summary>
internal sealed record Percentiles(int Count, double P50, double P95, double P99)
{
    public static Percentiles Empty { get; } = new(0, 0, 0, 0);

    public static Percentiles Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        return sorted.Length == 0 ? Empty : new Percentiles(sorted.Length, At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99));
    }

    public override string ToString() =>
        Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{P50:F1} / {P95:F1} / {P99:F1} ms");

    private static double At(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
