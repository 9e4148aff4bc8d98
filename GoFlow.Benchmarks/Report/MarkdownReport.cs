using System.Text;

namespace GoFlow.Benchmarks.Report;

/// <summary>
/// The report: the machine, the database and its durability, the options, then each figure beside its issue 7 target
/// (<see cref="TargetTable"/>), then the details of every part (<see cref="DetailTable"/>), as Markdown.
/// </summary>
internal static class MarkdownReport
{
    public static string Build(BenchmarkResult result)
    {
        var text = new StringBuilder();
        Line(text, $"### {result.StoreName}, {result.StartedAt:yyyy-MM-dd HH:mm} UTC");
        Line(text);
        Table(text, ["setting", "value"], [
            ["machine", result.Machine.ToString()],
            ["database", result.Store.Summary],
            ["durability", string.Join(", ", result.Store.Durability.Select(setting => $"{setting.Key}={setting.Value}"))],
            ["options", result.Options.Describe()],
        ]);

        Line(text, "#### Against the targets of issue 7");
        Line(text);
        Table(text, ["figure", "target", "measured", "verdict"], TargetTable.Rows(result));

        Line(text, "#### Details");
        Line(text);
        Table(text, ["figure", "value"], DetailTable.Rows(result));

        AppendClaimPlan(text, result);
        AppendFailures(text, result);
        return text.ToString();
    }

    private static void AppendClaimPlan(StringBuilder text, BenchmarkResult result)
    {
        if (result.Growth is not { } growth)
        {
            return;
        }

        Line(text, $"#### Plan of the claim SELECT ({(result.StoreName == "MySQL" ? "EXPLAIN" : "EXPLAIN QUERY PLAN")}, after seeding {growth.SeededTasks:N0} finished tasks)");
        Line(text);
        Line(text, "```");
        Line(text, growth.ClaimPlan);
        Line(text, "```");
        Line(text);
    }

    private static void AppendFailures(StringBuilder text, BenchmarkResult result)
    {
        if (result.Failures.Count == 0)
        {
            return;
        }

        Line(text, "#### Parts that failed");
        Line(text);
        foreach (var failure in result.Failures)
        {
            Line(text, $"- {failure.ReplaceLineEndings(" ")}");
        }

        Line(text);
    }

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
