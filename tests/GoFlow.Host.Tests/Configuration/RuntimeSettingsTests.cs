using System.Text.Json.Nodes;

namespace GoFlow.Host.Tests.Configuration;

/// <summary>The runtime settings GoFlow.Host ships in its runtimeconfig, which no code of its own can set later.</summary>
public sealed class RuntimeSettingsTests
{
    [Test]
    public async Task RuntimeConfig_ThreadPoolSpinLimit_Is16()
    {
        // Read when the thread pool starts, before any of the host's code runs: only the runtimeconfig (or the
        // environment) sets it, so the file beside GoFlow.Host.dll is what a user runs (ADR 0035).
        var path = Path.Combine(AppContext.BaseDirectory, "GoFlow.Host.runtimeconfig.json");
        var runtimeConfig = JsonNode.Parse(await File.ReadAllTextAsync(path))!;

        var spinLimit = runtimeConfig["runtimeOptions"]?["configProperties"]?["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"];

        Assert.That(spinLimit?.GetValue<int>(), Is.EqualTo(16), runtimeConfig.ToJsonString());
    }
}
