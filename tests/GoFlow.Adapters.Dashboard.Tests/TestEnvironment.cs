namespace GoFlow.Adapters.Dashboard.Tests;

/// <summary>
/// Keeps the developer's shell out of the in-memory hosts. The original engine's DB_* variables (scripts/mariadb.sh
/// prints them, scripts/test.sh exports them) configure MySQL and win over the settings a test gives its host, so they
/// would make every host pick MySQL behind the test's back. Each test names its store itself.
/// </summary>
[SetUpFixture]
public sealed class TestEnvironment
{
    [OneTimeSetUp]
    public void RemoveTheOriginalEngineVariables()
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
