using System.Globalization;
using System.Text.RegularExpressions;

namespace GoFlow.Host.Tests.Observability;

/// <summary>One scrape in the Prometheus text format, read into samples: enough to compare counters before and after.</summary>
internal sealed partial class PrometheusText
{
    private readonly IReadOnlyList<Sample> _samples;

    private PrometheusText(IReadOnlyList<Sample> samples) => _samples = samples;

    public static PrometheusText Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var match = SampleLine().Match(line);
            if (!match.Success)
            {
                throw new FormatException($"Not a Prometheus sample line: {line}");
            }

            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(pair => pair.Groups["name"].Value, pair => pair.Groups["value"].Value, StringComparer.Ordinal);
            samples.Add(new Sample(
                match.Groups["name"].Value,
                labels,
                ParseValue(match.Groups["value"].Value)));
        }

        return new PrometheusText(samples);
    }

    /// <summary>The sum of the samples of <paramref name="metric"/> that carry every label given; 0 when there are none.</summary>
    public double Sum(string metric, params (string Name, string Value)[] labels) =>
        _samples
            .Where(sample => sample.Metric == metric)
            .Where(sample => labels.All(label => sample.Labels.TryGetValue(label.Name, out var value) && value == label.Value))
            .Sum(sample => sample.Value);

    /// <summary>Whether the scrape has at least one sample of <paramref name="metric"/>.</summary>
    public bool Has(string metric) => _samples.Any(sample => sample.Metric == metric);

    /// <summary>The label values <paramref name="label"/> takes among the samples of <paramref name="metric"/>.</summary>
    public IReadOnlySet<string> LabelValues(string metric, string label) =>
        _samples
            .Where(sample => sample.Metric == metric && sample.Labels.ContainsKey(label))
            .Select(sample => sample.Labels[label])
            .ToHashSet(StringComparer.Ordinal);

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();

    private sealed record Sample(string Metric, IReadOnlyDictionary<string, string> Labels, double Value);
}
