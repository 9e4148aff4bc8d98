using GoFlow.Domain;
using GoFlow.Storage.ContractTests.Builders;
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

    [Test]
    public async Task ApplyAsync_TasksTableFromBeforeMaxAttempts_AddsTheColumnKeepingTheRows()
    {
        // The schema as the first release shipped it: schema.sql without the max_attempts column.
        var schema = await File.ReadAllLinesAsync(TestDatabase.SchemaPath);
        var oldSchema = string.Join('\n', schema.Where(line => !line.TrimStart().StartsWith("max_attempts", StringComparison.Ordinal)));
        await _database.DisposeAsync();
        _database = await TestDatabase.CreateAsync(oldSchema);
        Assert.That(await MaxAttemptsColumnCountAsync(), Is.Zero, "the old schema has no max_attempts");
        var workflowId = WorkflowId.New(TestTimes.Start);
        await _database.ExecuteAsync(
            """
            INSERT INTO workflow_instances (id, workflow_name, status, current_input, created_at, updated_at)
            VALUES (@Id, 'OrderProcess', 'PENDING', '{}', @Now, @Now);
            INSERT INTO tasks (workflow_instance_id, step_index, task_name, status, attempt, input_payload, scheduled_at,
                               created_at, updated_at)
            VALUES (@Id, 0, 'ValidateOrder', 'PENDING', 0, '{}', @Now, @Now, @Now);
            """,
            new { Id = workflowId.ToString(), Now = TestTimes.Start.UtcDateTime });
        await using var dataSource = CreateDataSource();
        var initializer = CreateInitializer(dataSource);

        await initializer.ApplyAsync(CancellationToken.None);
        await initializer.ApplyAsync(CancellationToken.None);

        var repository = new MySqlWorkflowRepository(dataSource);
        var created = await new WorkflowBuilder().WithMaxAttempts(5).CreateAsync(repository);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await MaxAttemptsColumnCountAsync(), Is.EqualTo(1));
            Assert.That((await repository.FindAsync(workflowId, CancellationToken.None))!.Tasks[0].MaxAttempts,
                Is.EqualTo(TaskPolicy.Default.MaxAttempts), "an existing task gets the default");
            Assert.That((await repository.FindAsync(created.Id, CancellationToken.None))!.Tasks[0].MaxAttempts, Is.EqualTo(5));
        }
    }

    private Task<long> MaxAttemptsColumnCountAsync() =>
        _database.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tasks' AND COLUMN_NAME = 'max_attempts'");

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
