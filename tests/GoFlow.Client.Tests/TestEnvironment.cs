using GoFlow.TestSupport;

namespace GoFlow.Client.Tests;

/// <summary>
/// Before any test of this assembly: no DB_* variable of the shell reaches its hosts
/// (<see cref="OriginalEngineVariables"/>).
/// </summary>
[SetUpFixture]
public sealed class TestEnvironment
{
    [OneTimeSetUp]
    public void RemoveTheOriginalEngineVariables() => OriginalEngineVariables.Remove();
}
