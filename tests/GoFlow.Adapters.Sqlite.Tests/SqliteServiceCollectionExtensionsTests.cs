using GoFlow.Adapters.Sqlite.Tests.Support;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Sqlite.Tests;

/// <summary><c>AddGoFlowSqlite</c> in a real generic host, as GoFlow.Host uses it.</summary>
internal sealed class SqliteServiceCollectionExtensionsTests
{
    private TestSqliteFile _file = null!;

    [SetUp]
    public void CreateFolder() => _file = new TestSqliteFile();

    [TearDown]
    public void DeleteFolder() => _file.Dispose();

    [TestCase("Sqlite:Path", "")]
    [TestCase("Sqlite:Path", ":memory:")]
    [TestCase("Sqlite:BusyTimeout", "00:00:00")]
    [TestCase("Sqlite:BusyTimeout", "02:00:00")]
    public void StartAsync_BadOption_StopsTheHostNamingTheOption(string key, string value)
    {
        using var host = BuildHost(new() { ["Sqlite:Path"] = _file.Path, [key] = value });

        Assert.That(
            async () => await host.StartAsync(),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains(key));
        Assert.That(File.Exists(_file.Path), Is.False, "validation runs before the file is touched");
    }

    [Test]
    public async Task StartAsync_ValidOptions_AppliesTheSchemaAndServesThePorts()
    {
        using var host = BuildHost(new() { ["Sqlite:Path"] = _file.Path });

        await host.StartAsync();
        try
        {
            var repository = host.Services.GetRequiredService<IWorkflowRepository>();
            var queue = host.Services.GetRequiredService<ITaskQueue>();
            var workflow = await new WorkflowBuilder().CreateAsync(repository);
            var claimed = await queue.ClaimAsync(new ClaimBuilder().Build(), CancellationToken.None);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(repository, Is.InstanceOf<SqliteWorkflowRepository>());
                Assert.That(queue, Is.InstanceOf<SqliteTaskQueue>());
                Assert.That(await repository.FindAsync(workflow.Id, CancellationToken.None), Is.Not.Null);
                Assert.That(claimed.Select(task => task.WorkflowId), Is.EqualTo(new[] { workflow.Id }));
                Assert.That(File.Exists(_file.Path), Is.True);
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public void Build_NoPathGiven_UsesGoflowDbInTheWorkingDirectory()
    {
        using var host = BuildHost([]);

        // Not started: that would create the file in the test's working directory.
        var database = host.Services.GetRequiredService<SqliteDatabase>();

        Assert.That(database.FilePath, Is.EqualTo(Path.Combine(Directory.GetCurrentDirectory(), "goflow.db")));
    }

    [Test]
    public async Task FindAsync_FileMissingAndSchemaNotApplied_ThrowsStoreUnavailable()
    {
        using var host = BuildHost(new() { ["Sqlite:Path"] = _file.Path, ["Sqlite:ApplySchemaOnStart"] = "false" });
        await host.StartAsync();
        try
        {
            var repository = host.Services.GetRequiredService<IWorkflowRepository>();

            Assert.That(
                async () => await repository.FindAsync(new WorkflowBuilder().Build().Workflow.Id, CancellationToken.None),
                Throws.InstanceOf<StoreUnavailableException>().With.Message.Contains(_file.Path));
            Assert.That(File.Exists(_file.Path), Is.False, "an operation never creates the file");
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
        builder.Services.AddGoFlowSqlite();
        return builder.Build();
    }
}
