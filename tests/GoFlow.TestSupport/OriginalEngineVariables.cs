namespace GoFlow.TestSupport;

/// <summary>
/// Keeps the developer's shell out of in-memory hosts. The original engine's DB_* variables (scripts/mariadb.sh
/// prints them, scripts/test.sh exports them) configure MySQL and win over the settings a test gives its host, so they
/// would make every host pick MySQL behind the test's back. Each test names its store itself.
/// </summary>
public static class OriginalEngineVariables
{
    /// <summary>Removes every DB_* variable from this process's environment.</summary>
    public static void Remove()
    {
        var names = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("DB_", StringComparison.Ordinal))
            .ToList();
        foreach (var name in names)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
