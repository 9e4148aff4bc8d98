using System.Globalization;

namespace GoFlow.Benchmarks;

/// <summary>The benchmark's command line: <c>--workflows N --batch B --concurrency C [--mysql "cs"] [--markdown file]</c>.</summary>
public sealed record BenchmarkOptions(
    int Workflows, int Batch, int Concurrency, int Starters, int ActivitySample, string? MySqlConnectionString, string? MarkdownPath)
{
    public const int Steps = 3;

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected --name value pairs, got '{args[i]}'.");
            }

            values[args[i][2..]] = args[++i];
        }

        int Int(string name, int fallback) =>
            values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

        if (values.TryGetValue("steps", out var steps) && steps != "3")
        {
            throw new ArgumentException("--steps is fixed at 3 in this first cut.");
        }

        return new BenchmarkOptions(
            Workflows: Int("workflows", 2000),
            Batch: Int("batch", 10),
            Concurrency: Int("concurrency", 10),
            Starters: Int("starters", 8),
            ActivitySample: Int("sample", 200),
            MySqlConnectionString: values.GetValueOrDefault("mysql"),
            MarkdownPath: values.GetValueOrDefault("markdown"));
    }
}
