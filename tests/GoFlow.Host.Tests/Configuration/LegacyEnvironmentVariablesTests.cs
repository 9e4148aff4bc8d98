using System.Collections;
using GoFlow.Hosting.Configuration;

namespace GoFlow.Host.Tests.Configuration;

public sealed class LegacyEnvironmentVariablesTests
{
    [Test]
    public void Map_OriginalVariables_BecomeGoFlowSettings()
    {
        var settings = LegacyEnvironmentVariables.Map(new Hashtable
        {
            ["DB_HOST"] = "db.internal",
            ["DB_PORT"] = "3307",
            ["DB_USERNAME"] = "flow",
            ["DB_PASSWORD"] = "secret",
            ["DB_NAME"] = "go_flow",
            ["DB_MAX_OPEN_CONNS"] = "40",
            ["DB_MAX_IDLE_CONNS"] = "10",
            ["DB_MAX_LIFETIME"] = "5m",
            ["SERVER_HOST"] = "127.0.0.1",
            ["SERVER_PORT"] = "9090",
            ["UNRELATED"] = "ignored",
        });

        Assert.That(settings, Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["MySql:Host"] = "db.internal",
            ["MySql:Port"] = "3307",
            ["MySql:Username"] = "flow",
            ["MySql:Password"] = "secret",
            ["MySql:Database"] = "go_flow",
            ["MySql:MaxOpenConnections"] = "40",
            ["MySql:MaxIdleConnections"] = "10",
            ["MySql:MaxLifetime"] = "00:05:00",
            ["Server:Host"] = "127.0.0.1",
            ["Server:Port"] = "9090",
        }));
    }

    [Test]
    public void Map_EmptyVariable_IsLeftOut()
    {
        Assert.That(LegacyEnvironmentVariables.Map(new Hashtable { ["DB_PASSWORD"] = "" }), Is.Empty);
    }

    [Test]
    public void Map_LifetimeNotADuration_ThrowsNamingTheVariable()
    {
        Assert.That(
            () => LegacyEnvironmentVariables.Map(new Hashtable { ["DB_MAX_LIFETIME"] = "five minutes" }),
            Throws.InstanceOf<InvalidConfigurationException>().With.Message.Contains("DB_MAX_LIFETIME"));
    }
}
