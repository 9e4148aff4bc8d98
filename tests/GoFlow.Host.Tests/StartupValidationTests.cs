using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace GoFlow.Host.Tests;

/// <summary>Configuration mistakes stop the host at start, with a message that names them.</summary>
public sealed class StartupValidationTests
{
    [Test]
    public void Start_DefinitionNamesATaskWithoutHandler_FailsNamingTheTask()
    {
        using var factory = HostWith("Workflows:Refund:Tasks:0", "IssueRefund");

        Assert.That(
            () => factory.CreateClient(),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("'IssueRefund'"));
    }

    [Test]
    public void Start_EmptyDefinition_FailsNamingTheWorkflow()
    {
        using var factory = HostWith("Workflows:Refund", string.Empty);

        Assert.That(
            () => factory.CreateClient(),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("Workflows:Refund:Tasks is empty"));
    }

    [Test]
    public void Start_WorkerBatchSizeZero_FailsNamingTheOption()
    {
        using var factory = HostWith("Worker:BatchSize", "0");

        Assert.That(
            () => factory.CreateClient(),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("BatchSize"));
    }

    private static WebApplicationFactory<Program> HostWith(string key, string value) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(host => host.UseSetting(key, value));
}
