using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Http.Tests.Security;

/// <summary>The <c>Api</c> section as <see cref="HttpServiceCollectionExtensions.AddGoFlowHttp"/> binds and validates it.</summary>
public sealed class ApiOptionsTests
{
    [Test]
    public void Defaults_AreNoKeysLoopbackOnlyOneMebibyteThirtyOneLevelsAndKestrelsHeadLimits()
    {
        var options = Bind([]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Keys, Is.Empty);
            Assert.That(options.AllowAnonymous, Is.False);
            Assert.That(options.MaxRequestBodyBytes, Is.EqualTo(1_048_576));
            Assert.That(options.MaxPayloadDepth, Is.EqualTo(31));
            Assert.That(options.MaxRequestTargetBytes, Is.EqualTo(8192));
            Assert.That(options.MaxRequestHeadersBytes, Is.EqualTo(32_768));
            Assert.That(options.MaxRequestHeaderCount, Is.EqualTo(100));
        }
    }

    [Test]
    public void Bind_KeysGivenOneByOne_AsTheEnvironmentGivesThem_AreAllRead()
    {
        // Api__Keys__0 and Api__Keys__1 in the environment arrive as these keys.
        var options = Bind(new() { ["Api:Keys:0"] = "first-key", ["Api:Keys:1"] = "second-key", ["Api:AllowAnonymous"] = "true" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Keys, Is.EqualTo(new[] { "first-key", "second-key" }));
            Assert.That(options.AllowAnonymous, Is.True);
        }
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("\t")]
    public void Validate_BlankKey_FailsNamingItsPosition(string key)
    {
        Assert.That(
            () => Bind(new() { ["Api:Keys:0"] = "good-key", ["Api:Keys:1"] = key }),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("Api:Keys:1 is blank"));
    }

    [TestCase("two words")]
    [TestCase(" padded-key ")]
    [TestCase("clé-secrète")]
    [TestCase("tab\tinside")]
    public void Validate_KeyAnHttpHeaderCannotCarry_FailsWithoutRepeatingTheKey(string key)
    {
        Assert.That(
            () => Bind(new() { ["Api:Keys:0"] = key }),
            Throws.InstanceOf<OptionsValidationException>()
                .With.Message.Contains("Api:Keys:0 contains a space")
                .And.Message.Not.Contains(key.Trim()));
    }

    [TestCase("Api:MaxRequestBodyBytes", "0")]
    [TestCase("Api:MaxRequestBodyBytes", "4194305")]
    [TestCase("Api:MaxPayloadDepth", "0")]
    [TestCase("Api:MaxPayloadDepth", "65")]
    [TestCase("Api:MaxRequestTargetBytes", "255")]
    [TestCase("Api:MaxRequestTargetBytes", "65537")]
    [TestCase("Api:MaxRequestHeadersBytes", "1023")]
    [TestCase("Api:MaxRequestHeadersBytes", "262145")]
    [TestCase("Api:MaxRequestHeaderCount", "15")]
    [TestCase("Api:MaxRequestHeaderCount", "1001")]
    public void Validate_LimitOutOfRange_FailsNamingIt(string key, string value)
    {
        Assert.That(
            () => Bind(new() { [key] = value }),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains(key));
    }

    [TestCase("Api:MaxRequestBodyBytes", "4194304")]
    [TestCase("Api:MaxPayloadDepth", "64")]
    [TestCase("Api:MaxPayloadDepth", "1")]
    [TestCase("Api:MaxRequestTargetBytes", "65536")]
    [TestCase("Api:MaxRequestHeadersBytes", "262144")]
    [TestCase("Api:MaxRequestHeaderCount", "1000")]
    public void Validate_LimitAtTheEdgeOfItsRange_IsAccepted(string key, string value)
    {
        Assert.That(() => Bind(new() { [key] = value }), Throws.Nothing);
    }

    private static ApiOptions Bind(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddGoFlowHttp();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ApiOptions>>().Value;
    }
}
