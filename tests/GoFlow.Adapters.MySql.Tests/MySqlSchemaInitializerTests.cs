using GoFlow.Adapters.MySql.Tests.Builders;
using GoFlow.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.MySql.Tests;

internal sealed class MySqlSchemaInitializerTests
{
    private static readonly string[] GoFlowTables = ["activity_logs", "tasks", "workflow_instances"];

    private TestDatabase _database = null!;

    [SetUp]
    public void ReserveDatabase() => _database = TestDatabase.Reserve();

    [TearDown]
    public async Task DropDatabase() => await _database.DisposeAsync();

    [Test]
    public async Task ApplyAsync_DatabaseMissing_CreatesDatabaseAndTables()
    {
        await using var dataSource = CreateDataSource();

        await CreateInitializer(dataSource).ApplyAsync(CancellationToken.None);

        Assert.That(await TablesAsync(), Is.EqualTo(GoFlowTables));
    }

    [Test]
    public async Task ApplyAsync_Twice_KeepsTablesAndRows()
    {
        await using var dataSource = CreateDataSource();
        var initializer = CreateInitializer(dataSource);
        await initializer.ApplyAsync(CancellationToken.None);
        var workflow = await new WorkflowBuilder().CreateAsync(new MySqlWorkflowRepository(dataSource));

        await initializer.ApplyAsync(CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await TablesAsync(), Is.EqualTo(GoFlowTables));
            Assert.That(await new MySqlWorkflowRepository(dataSource).FindAsync(workflow.Id, CancellationToken.None), Is.Not.Null);
        }
    }

    [Test]
    public async Task StartAsync_ApplySchemaOnStartOff_LeavesTheServerAlone()
    {
        await using var dataSource = CreateDataSource();

        await CreateInitializer(dataSource, applySchemaOnStart: false).StartAsync(CancellationToken.None);

        Assert.That(await _database.ExistsAsync(), Is.False);
    }

    [Test]
    public async Task StartAsync_ApplySchemaOnStartOn_AppliesTheSchema()
    {
        await using var dataSource = CreateDataSource();

        await CreateInitializer(dataSource, applySchemaOnStart: true).StartAsync(CancellationToken.None);

        Assert.That(await TablesAsync(), Is.EqualTo(GoFlowTables));
    }

    private MySqlOptions OptionsFor(bool applySchemaOnStart) =>
        new() { ConnectionString = _database.ConnectionString, ApplySchemaOnStart = applySchemaOnStart };

    private MySqlConnector.MySqlDataSource CreateDataSource() => MySqlConnectionSettings.CreateDataSource(OptionsFor(applySchemaOnStart: true));

    private MySqlSchemaInitializer CreateInitializer(MySqlConnector.MySqlDataSource dataSource, bool applySchemaOnStart = true) =>
        new(Options.Create(OptionsFor(applySchemaOnStart)), dataSource,
            NullLogger<MySqlSchemaInitializer>.Instance);

    private Task<IReadOnlyList<string>> TablesAsync() =>
        _database.QueryAsync<string>(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME");
}
