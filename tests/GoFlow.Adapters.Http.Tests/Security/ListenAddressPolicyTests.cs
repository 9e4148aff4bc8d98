using GoFlow.Adapters.Http.Security;

namespace GoFlow.Adapters.Http.Tests.Security;

public sealed class ListenAddressPolicyTests
{
    [TestCase("http://localhost:8080")]
    [TestCase("http://LOCALHOST:8080")]
    [TestCase("https://localhost:5001")]
    [TestCase("http://localhost")]
    [TestCase("http://127.0.0.1:8080")]
    [TestCase("http://127.0.0.1:0")]
    [TestCase("http://127.1.2.3:8080")]
    [TestCase("http://127.255.255.254:80")]
    [TestCase("http://[::1]:8080")]
    [TestCase("http://[0:0:0:0:0:0:0:1]:8080")]
    [TestCase("http://[::ffff:127.0.0.1]:8080")]
    [TestCase(" http://127.0.0.1:8080 ")]
    [TestCase("http://unix:/run/goflow/api.sock")]
    [TestCase("http://pipe:/goflow")]
    public void IsLoopback_OnlyThisMachineCanReachIt_IsTrue(string address)
    {
        Assert.That(ListenAddressPolicy.IsLoopback(address), Is.True);
    }

    [TestCase("http://+:8080")]
    [TestCase("http://*:8080")]
    [TestCase("http://0.0.0.0:8080")]
    [TestCase("http://[::]:8080")]
    [TestCase("http://[0:0:0:0:0:0:0:0]:8080")]
    [TestCase("http://192.168.1.20:8080")]
    [TestCase("http://10.0.0.5:80")]
    [TestCase("http://172.17.0.2:8080")]
    [TestCase("http://192.0.2.1:8080")]
    [TestCase("http://[fe80::1]:8080")]
    [TestCase("http://[::ffff:10.0.0.5]:8080")]
    [TestCase("http://api.example.com:8080")]
    [TestCase("http://myhost:8080")]
    [TestCase("http://localhost.:8080")]
    [TestCase("http://localhost.example.com:8080")]
    [TestCase("http://128.0.0.1:8080")]
    [TestCase("https://0.0.0.0:443")]
    [TestCase("127.0.0.1:8080")]
    [TestCase("not an address")]
    [TestCase("")]
    public void IsLoopback_TheNetworkCanReachItOrItDoesNotParse_IsFalse(string address)
    {
        Assert.That(ListenAddressPolicy.IsLoopback(address), Is.False);
    }

    [TestCase("http://127.0.0.1:8080")]
    [TestCase("http://localhost:8080", "http://[::1]:8080")]
    public void Decide_NoKeysOnLoopback_Serves(params string[] addresses)
    {
        Assert.That(ListenAddressPolicy.Decide(addresses, new ApiOptions()), Is.EqualTo(new ListenDecision.Serve()));
    }

    [Test]
    public void Decide_NoKeysNoAddress_ServesOnTheServersDefault()
    {
        // With no address at all Kestrel listens on http://localhost:5000, a loopback address.
        Assert.That(ListenAddressPolicy.Decide([], new ApiOptions()), Is.EqualTo(new ListenDecision.Serve()));
    }

    [TestCase("http://0.0.0.0:8080")]
    [TestCase("http://+:8080")]
    [TestCase("http://127.0.0.1:8080", "http://192.168.1.20:8080")]
    [TestCase("http://myhost:8080")]
    public void Decide_NoKeysOnTheNetwork_RefusesNamingTheAddressAndTheWaysOut(params string[] addresses)
    {
        var decision = ListenAddressPolicy.Decide(addresses, new ApiOptions());

        Assert.That(decision, Is.TypeOf<ListenDecision.Refuse>());
        var message = ((ListenDecision.Refuse)decision).Message;
        Assert.That(message, Does.Contain(addresses[^1]).And.Contain("Api:Keys").And.Contain("Api__Keys__0")
            .And.Contain("SERVER_HOST=localhost").And.Contain("Api:AllowAnonymous=true"));
        Assert.That(message, Does.Not.Contain("127.0.0.1"), "only the addresses the network can reach are named");
    }

    [Test]
    public void Decide_NoKeysOnTheNetworkAnonymousAllowed_ServesWithAWarningNamingTheAddress()
    {
        var decision = ListenAddressPolicy.Decide(["http://0.0.0.0:8080"], new ApiOptions { AllowAnonymous = true });

        Assert.That(decision, Is.TypeOf<ListenDecision.ServeWithWarning>());
        Assert.That(((ListenDecision.ServeWithWarning)decision).Message,
            Does.Contain("WITHOUT authentication on http://0.0.0.0:8080"));
    }

    [Test]
    public void Decide_NoKeysOnLoopbackAnonymousAllowed_StillWarns()
    {
        var decision = ListenAddressPolicy.Decide(["http://127.0.0.1:8080"], new ApiOptions { AllowAnonymous = true });

        Assert.That(decision, Is.TypeOf<ListenDecision.ServeWithWarning>());
        Assert.That(((ListenDecision.ServeWithWarning)decision).Message,
            Does.Contain("Api:AllowAnonymous is true and no API key is configured"));
    }

    [TestCase("http://0.0.0.0:8080")]
    [TestCase("http://[::]:8080", "http://api.example.com:443")]
    [TestCase("http://127.0.0.1:8080")]
    public void Decide_KeysConfigured_ServesAnywhere(params string[] addresses)
    {
        var options = new ApiOptions { Keys = ["some-key"] };

        Assert.That(ListenAddressPolicy.Decide(addresses, options), Is.EqualTo(new ListenDecision.Serve()));
    }

    [Test]
    public void Decide_KeysConfiguredAndAnonymousAllowed_ServesWarningThatTheSwitchIsIgnored()
    {
        var options = new ApiOptions { Keys = ["some-key"], AllowAnonymous = true };

        var decision = ListenAddressPolicy.Decide(["http://0.0.0.0:8080"], options);

        Assert.That(decision, Is.TypeOf<ListenDecision.ServeWithWarning>());
        Assert.That(((ListenDecision.ServeWithWarning)decision).Message, Does.Contain("is ignored"));
    }
}
