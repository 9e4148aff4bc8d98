using System.Text.RegularExpressions;

namespace GoFlow.Adapters.Sqlite.Tests.Support;

/// <summary>
/// The columns of schema.sql, the canonical MySQL schema, read from its text: per table, each column's name and
/// whether it is NOT NULL, in declaration order. What schema.sqlite.sql must match.
/// </summary>
internal static partial class MySqlSchemaColumns
{
    /// <summary>The folder that holds GoFlow.sln, schema.sql and schema.sqlite.sql.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Read()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot, "schema.sql"));
        var tables = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (Match table in TablePattern().Matches(text))
        {
            tables[table.Groups["name"].Value] =
            [
                .. table.Groups["body"].Value.Split('\n')
                    .Select(line => ColumnPattern().Match(line))
                    .Where(column => column.Success && !IsKeyOrConstraint(column.Groups["name"].Value))
                    .Select(column => $"{column.Groups["name"].Value} {(column.Value.Contains("NOT NULL", StringComparison.Ordinal) ? "NOT NULL" : "NULL")}"),
            ];
        }

        return tables;
    }

    private static bool IsKeyOrConstraint(string word) =>
        word is "PRIMARY" or "KEY" or "UNIQUE" or "CONSTRAINT" or "FOREIGN" or "INDEX";

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GoFlow.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No GoFlow.sln above {AppContext.BaseDirectory}: cannot find schema.sql.");
    }

    [GeneratedRegex(@"CREATE TABLE IF NOT EXISTS (?<name>\w+) \((?<body>.*?)\n\)", RegexOptions.Singleline)]
    private static partial Regex TablePattern();

    // A column line: four spaces, a name, a type; comments and key lines are told apart by their first word.
    [GeneratedRegex(@"^    (?<name>[A-Za-z_]+)\s+[A-Z]+.*$")]
    private static partial Regex ColumnPattern();
}
