using GoFlow.Storage.ContractTests.Builders;
using GoFlow.Ports.Driven;
using GoFlow.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary><c>AddGoFlowMySql</c> in a real generic host, as GoFlow.Host uses it.</summary>
internal sealed class MySqlServiceCollectionExtensionsTests
{
    private const string ValidConnectionString = "Server=127.0.0.1;Port=1;User ID=nobody;Database=goflow";

    [TestCase("MySql:MaxOpenConnections", "0")]
    [TestCase("MySql:MaxIdleConnections", "-1")]
    [TestCase("MySql:Port", "70000")]
    [TestCase("MySql:MaxLifetime", "-00:00:01")]
    public void StartAsync_BadOption_StopsTheHostNamingTheOption(string key, string value)
    {
        using var host = BuildHost(new() { ["MySql:ConnectionString"] = ValidConnectionString, [key] = value });

        // Validation runs before any hosted service, so no server is contacted (port 1 would refuse).
        Assert.That(
            async () => await host.StartAsync(),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains(key));
    }

    [Test]
    public void StartAsync_NoConnectionSettings_StopsTheHostNamingTheOptions()
    {
        using var host = BuildHost([]);

        Assert.That(
            async () => await host.StartAsync(),
            Throws.InstanceOf<OptionsValidationException>()
                .With.Message.Contains("MySql:ConnectionString").And.Message.Contains("MySql:Host"));
    }

    [Test]
    public async Task StartAsync_ValidOptions_AppliesTheSchemaAndServesThePorts()
    {
        await using var database = TestDatabase.Reserve();
        using var host = BuildHost(new() { ["MySql:ConnectionString"] = database.ConnectionString });

        await host.StartAsync();
        try
        {
            var repository = host.Services.GetRequiredService<IWorkflowRepository>();
            var queue = host.Services.GetRequiredService<ITaskQueue>();
            var workflow = await new WorkflowBuilder().CreateAsync(repository);
            var claimed = await queue.ClaimAsync(new ClaimBuilder().Build(), CancellationToken.None);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(repository, Is.InstanceOf<MySqlWorkflowRepository>());
                Assert.That(await repository.FindAsync(workflow.Id, CancellationToken.None), Is.Not.Null);
                Assert.That(claimed.Select(task => task.WorkflowId), Is.EqualTo(new[] { workflow.Id }));
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddGoFlowMySql();
        return builder.Build();
    }
}
