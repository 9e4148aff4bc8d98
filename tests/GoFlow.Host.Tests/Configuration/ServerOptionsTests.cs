using GoFlow.Hosting.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace GoFlow.Host.Tests.Configuration;

public sealed class ServerOptionsTests
{
    [Test]
    public void Url_Localhost_ListensOnTheIpv4LoopbackOnly()
    {
        Assert.That(new ServerOptions().Url, Is.EqualTo("http://127.0.0.1:8080"));
    }

    [Test]
    public void Url_OtherHost_ListensWhereItSays()
    {
        Assert.That(new ServerOptions { Host = "10.1.2.3", Port = 9000 }.Url, Is.EqualTo("http://10.1.2.3:9000"));
    }

    [TestCase("0")]
    [TestCase("70000")]
    [TestCase("eighty")]
    public void UseGoFlowServerAddress_BadPort_StopsNamingTheSetting(string port)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Server:Port"] = port })
            .Build();
        var webHost = WebApplication.CreateBuilder().WebHost;

        Assert.That(
            () => webHost.UseGoFlowServerAddress(configuration),
            Throws.InstanceOf<InvalidConfigurationException>().With.Message.Contains("SERVER_PORT"));
    }
}
