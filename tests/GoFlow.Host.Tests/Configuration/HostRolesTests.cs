using GoFlow.Hosting.Configuration;
using Microsoft.Extensions.Configuration;

namespace GoFlow.Host.Tests.Configuration;

public sealed class HostRolesTests
{
    [TestCase(null, true, true)]
    [TestCase("", true, true)]
    [TestCase("Api,Worker", true, true)]
    [TestCase("api", true, false)]
    [TestCase(" Worker ", false, true)]
    public void From_Roles_ReadsThem(string? roles, bool api, bool worker)
    {
        Assert.That(HostRoles.From(With(roles)), Is.EqualTo(new HostRoles(api, worker)));
    }

    [TestCase("Scheduler")]
    [TestCase(",")]
    public void From_UnknownOrNoRole_ThrowsNamingTheKey(string roles)
    {
        Assert.That(() => HostRoles.From(With(roles)), Throws.InstanceOf<InvalidConfigurationException>().With.Message.Contains("GoFlow:Roles"));
    }

    private static IConfiguration With(string? roles) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [HostRoles.Key] = roles })
        .Build();
}
