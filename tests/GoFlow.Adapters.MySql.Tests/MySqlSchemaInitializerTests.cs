using System.Text.RegularExpressions;
using GoFlow.Domain;
using GoFlow.Storage.ContractTests.Builders;
using GoFlow.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.MySql.Tests;

internal sealed partial class MySqlSchemaInitializerTests
{
    private static readonly string[] GoFlowTables = ["activity_logs", "schedule_states", "tasks", "workflow_instances", "workflow_signals"];

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
        await using var heldConnections = new HeldConnections(dataSource, new MySqlOptions());
        var initializer = CreateInitializer(dataSource);
        await initializer.ApplyAsync(CancellationToken.None);
        var workflow = await new WorkflowBuilder().CreateAsync(new MySqlWorkflowRepository(dataSource, heldConnections));

        await initializer.ApplyAsync(CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await TablesAsync(), Is.EqualTo(GoFlowTables));
            Assert.That(await new MySqlWorkflowRepository(dataSource, heldConnections).FindAsync(workflow.Id, CancellationToken.None), Is.Not.Null);
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
        await using var heldConnections = new HeldConnections(dataSource, new MySqlOptions());
        var initializer = CreateInitializer(dataSource);

        await initializer.ApplyAsync(CancellationToken.None);
        await initializer.ApplyAsync(CancellationToken.None);

        var repository = new MySqlWorkflowRepository(dataSource, heldConnections);
        var created = await new WorkflowBuilder().WithMaxAttempts(5).CreateAsync(repository);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await MaxAttemptsColumnCountAsync(), Is.EqualTo(1));
            Assert.That((await repository.FindAsync(workflowId, CancellationToken.None))!.Tasks[0].MaxAttempts,
                Is.EqualTo(TaskPolicy.Default.MaxAttempts), "an existing task gets the default");
            Assert.That((await repository.FindAsync(created.Id, CancellationToken.None))!.Tasks[0].MaxAttempts, Is.EqualTo(5));
        }
    }

    [Test]
    public async Task ApplyAsync_DatabaseFromBeforeSchedules_AddsTheScheduleTableThatTheStoreThenUses()
    {
        // The schema as it was before schedules: schema.sql without its last table.
        var schema = await File.ReadAllTextAsync(TestDatabase.SchemaPath);
        var oldSchema = schema[..schema.IndexOf("-- What an operator and the schedule runner", StringComparison.Ordinal)];
        await _database.DisposeAsync();
        _database = await TestDatabase.CreateAsync(oldSchema);
        Assert.That(await TablesAsync(), Does.Not.Contain("schedule_states"), "the test's own setup");
        await using var dataSource = CreateDataSource();

        await CreateInitializer(dataSource).ApplyAsync(CancellationToken.None);

        var store = new MySqlScheduleStore(dataSource);
        await store.SetPausedAsync("Nightly", paused: true, TestTimes.Start, CancellationToken.None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await TablesAsync(), Is.EqualTo(GoFlowTables));
            Assert.That((await store.ReadAllAsync(CancellationToken.None))["Nightly"].Paused, Is.True);
        }
    }

    [Test]
    public async Task ApplyAsync_WorkflowInstancesFromBeforeIdempotencyKeysAndTheList_AddsColumnsAndIndexesKeepingTheRows()
    {
        // The schema as it was before issue 5: schema.sql with the first release's workflow_instances, without the
        // tables added since.
        var schema = await File.ReadAllTextAsync(TestDatabase.SchemaPath);
        schema = schema[..schema.IndexOf("-- The signals delivered to workflows", StringComparison.Ordinal)];
        var oldSchema = WorkflowInstancesTable().Replace(schema, FirstReleaseWorkflowInstances, 1);
        Assert.That(oldSchema, Does.Not.Contain("idempotency_key"), "the test's own setup");
        await _database.DisposeAsync();
        _database = await TestDatabase.CreateAsync(oldSchema);
        var storedBefore = TestTimes.Start.AddHours(-1);
        var oldWorkflow = WorkflowId.New(storedBefore);
        await _database.ExecuteAsync(
            """
            INSERT INTO workflow_instances (id, workflow_name, status, current_input, created_at, updated_at)
            VALUES (@Id, 'OrderProcess', 'COMPLETED', '{}', @Then, @Then)
            """,
            new { Id = oldWorkflow.ToString(), Then = storedBefore.UtcDateTime });
        await using var dataSource = CreateDataSource();
        await using var heldConnections = new HeldConnections(dataSource, new MySqlOptions());
        var initializer = CreateInitializer(dataSource);

        await initializer.ApplyAsync(CancellationToken.None);
        await initializer.ApplyAsync(CancellationToken.None);

        var repository = new MySqlWorkflowRepository(dataSource, heldConnections);
        var (first, firstTask) = new WorkflowBuilder().Build();
        var (second, secondTask) = new WorkflowBuilder().Build();
        var key = new Ports.Driven.IdempotencyKey("k-1", new string('a', 64));
        await repository.CreateOnceAsync(first, firstTask, key, CancellationToken.None);
        var again = await repository.CreateOnceAsync(second, secondTask, key, CancellationToken.None);
        var listed = await repository.ListAsync(
            new Ports.ReadModels.WorkflowListQuery(null, null, null, null, 10, null), CancellationToken.None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ColumnsAsync("workflow_instances"), Is.EqualTo(new[]
            {
                "id", "workflow_name", "status", "current_input", "created_at", "updated_at", "idempotency_key", "request_fingerprint",
                "trace_parent",
            }), "the columns of schema.sql, in its order");
            Assert.That(await IndexesAsync("workflow_instances"), Is.EqualTo(new[]
            {
                "idx_workflow_instances_created", "idx_workflow_instances_name_created", "idx_workflow_instances_status_created",
                "idx_workflow_instances_status_updated", "PRIMARY", "uq_workflow_instances_idempotency_key",
            }));
            Assert.That(again, Is.TypeOf<Ports.Driven.IdempotentCreateResult.KeyTaken>(), "the key's index is unique");
            Assert.That(listed.Workflows.Select(workflow => workflow.Id), Is.EqualTo(new[] { first.Id, oldWorkflow }),
                "the workflow stored before the upgrade is kept, without a key");
        }
    }

    [Test]
    public async Task ApplyAsync_TasksTableWithTheLeaseIndex_DropsItKeepingTheRows()
    {
        // The schema as releases before ADR 0029 shipped it: tasks with idx_tasks_lease.
        await using var dataSource = CreateDataSource();
        await using var heldConnections = new HeldConnections(dataSource, new MySqlOptions());
        var initializer = CreateInitializer(dataSource);
        await initializer.ApplyAsync(CancellationToken.None);
        await _database.ExecuteAsync("ALTER TABLE tasks ADD KEY idx_tasks_lease (status, lease_expires_at)");
        var workflow = await new WorkflowBuilder().CreateAsync(new MySqlWorkflowRepository(dataSource, heldConnections));

        await initializer.ApplyAsync(CancellationToken.None);
        await initializer.ApplyAsync(CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await IndexesAsync("tasks"), Is.EqualTo(new[] { "idx_tasks_claim", "PRIMARY", "uq_tasks_workflow_step" }));
            Assert.That((await new MySqlWorkflowRepository(dataSource, heldConnections).FindAsync(workflow.Id, CancellationToken.None))!.Tasks,
                Has.Count.EqualTo(1), "the task stored before the upgrade is kept");
        }
    }

    /// <summary>workflow_instances as the first release created it.</summary>
    private const string FirstReleaseWorkflowInstances = """
        CREATE TABLE IF NOT EXISTS workflow_instances (
            id            CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
            workflow_name VARCHAR(255) NOT NULL,
            status        VARCHAR(16)  NOT NULL,
            current_input JSON         NOT NULL,
            created_at    DATETIME(6)  NOT NULL,
            updated_at    DATETIME(6)  NOT NULL,
            PRIMARY KEY (id),
            KEY idx_workflow_instances_status_created (status, created_at)
        ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
        """;

    [GeneratedRegex(@"CREATE TABLE IF NOT EXISTS workflow_instances \(.*?\) ENGINE[^;]*;", RegexOptions.Singleline)]
    private static partial Regex WorkflowInstancesTable();

    private Task<IReadOnlyList<string>> ColumnsAsync(string table) =>
        _database.QueryAsync<string>(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @Table ORDER BY ORDINAL_POSITION",
            new { Table = table });

    private Task<IReadOnlyList<string>> IndexesAsync(string table) =>
        _database.QueryAsync<string>(
            "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @Table ORDER BY INDEX_NAME",
            new { Table = table });

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
