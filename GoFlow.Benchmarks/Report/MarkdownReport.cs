using System.Globalization;
using System.Text;
using GoFlow.Benchmarks.Stores;

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
        AppendStorage(text, result);
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

    /// <summary>The growth's tables and indexes at each step, and the buffer pool's hit rate between steps.</summary>
    private static void AppendStorage(StringBuilder text, BenchmarkResult result)
    {
        if (result.Growth?.Storage is not { Count: > 0 } storage)
        {
            return;
        }

        Line(text, "#### Tables and indexes (rows: MySQL's estimate, SQLite's count; MiB)");
        Line(text);
        Table(text, ["when", "table", "rows", "data", "indexes", "allocated, unused"], storage.SelectMany(snapshot => snapshot.Tables
            .Select(table => new[]
            {
                snapshot.Label,
                table.Table,
                table.Rows?.ToString("N0", CultureInfo.InvariantCulture) ?? "—",
                Mebibytes(table.DataBytes),
                Mebibytes(table.IndexBytes),
                Mebibytes(table.FreeBytes),
            })
            .Append([snapshot.Label, "**all**", "", Mebibytes(snapshot.DataBytes), Mebibytes(snapshot.IndexBytes), Mebibytes(snapshot.FreeBytes)])));

        if (storage[0].BufferPool is null)
        {
            return;
        }

        Line(text, "#### Buffer pool (InnoDB) between those steps");
        Line(text);
        Table(text, ["from", "to", "page requests", "read from disk", "hit rate", "pool pages with data at the end"], storage.Zip(storage.Skip(1))
            .Where(pair => pair.First.BufferPool is not null && pair.Second.BufferPool is not null)
            .Select(pair =>
            {
                var (from, to) = (pair.First.BufferPool!, pair.Second.BufferPool!);
                return new[]
                {
                    pair.First.Label,
                    pair.Second.Label,
                    (to.ReadRequests - from.ReadRequests).ToString("N0", CultureInfo.InvariantCulture),
                    (to.DiskReads - from.DiskReads).ToString("N0", CultureInfo.InvariantCulture),
                    BufferPoolCounters.HitRate(from, to) is { } rate ? rate.ToString("P3", CultureInfo.InvariantCulture) : "—",
                    string.Create(CultureInfo.InvariantCulture, $"{to.PagesData:N0} of {to.PagesTotal:N0} ({Mebibytes(to.PoolBytes)} MiB pool)"),
                };
            }));
    }

    private static string Mebibytes(long? bytes) => bytes is { } known ? (known / (1024.0 * 1024)).ToString("N1", CultureInfo.InvariantCulture) : "—";

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
