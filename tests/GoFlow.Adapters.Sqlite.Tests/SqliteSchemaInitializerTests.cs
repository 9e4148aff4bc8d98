using System.Text.RegularExpressions;
using Dapper;
using GoFlow.Adapters.Sqlite.Tests.Support;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using GoFlow.Storage.ContractTests.Builders;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Sqlite.Tests;

/// <summary>The start-up step and the settings the adapter's connections really run with, on a real file.</summary>
internal sealed partial class SqliteSchemaInitializerTests
{
    private static readonly string[] GoFlowTables = ["activity_logs", "schedule_states", "tasks", "workflow_instances", "workflow_signals"];

    private TestSqliteFile _file = null!;

    [SetUp]
    public void CreateFolder() => _file = new TestSqliteFile();

    [TearDown]
    public void DeleteFolder() => _file.Dispose();

    [Test]
    public async Task ApplyAsync_FileAndFolderMissing_CreatesThemWithTheTables()
    {
        var path = Path.Combine(_file.Folder, "nested", "deeper", "goflow.db");
        var options = new SqliteOptions { Path = path };
        var database = new SqliteDatabase(options);

        await Initializer(database, options).ApplyAsync(CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(File.Exists(path), Is.True);
            Assert.That(await TablesAsync(path), Is.EqualTo(GoFlowTables));
        }
    }

    [Test]
    public async Task ApplyAsync_Twice_KeepsTablesAndRows()
    {
        var (database, initializer) = Create();
        await initializer.ApplyAsync(CancellationToken.None);
        var workflow = await new WorkflowBuilder().CreateAsync(new SqliteWorkflowRepository(database));

        await initializer.ApplyAsync(CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await TablesAsync(_file.Path), Is.EqualTo(GoFlowTables));
            Assert.That(await new SqliteWorkflowRepository(database).FindAsync(workflow.Id, CancellationToken.None), Is.Not.Null);
        }
    }

    [Test]
    public async Task ApplyAsync_FileIsNotADatabase_FailsNamingTheFile()
    {
        await File.WriteAllTextAsync(_file.Path, new string('x', 4096));
        var (_, initializer) = Create();

        Assert.That(
            async () => await initializer.ApplyAsync(CancellationToken.None),
            Throws.InvalidOperationException.With.Message.Contains(_file.Path).And.Message.Contains("Sqlite:Path"));
    }

    [Test]
    public async Task StartAsync_ApplySchemaOnStartOff_CreatesNoFile()
    {
        var options = _file.Options(applySchemaOnStart: false);

        await Initializer(new SqliteDatabase(options), options).StartAsync(CancellationToken.None);

        Assert.That(File.Exists(_file.Path), Is.False);
    }

    [Test]
    public async Task StartAsync_ApplySchemaOnStartOn_AppliesTheSchema()
    {
        var (_, initializer) = Create();

        await initializer.StartAsync(CancellationToken.None);

        Assert.That(await TablesAsync(_file.Path), Is.EqualTo(GoFlowTables));
    }

    [Test]
    public async Task ApplyAsync_NewFile_SwitchesItToWriteAheadLoggingForEveryConnection()
    {
        var (_, initializer) = Create();

        await initializer.ApplyAsync(CancellationToken.None);

        // Asked on a plain connection of the test's own: the journal mode is kept in the file itself.
        Assert.That(await _file.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
    }

    [Test]
    public async Task OpenAsync_AdapterConnection_RunsWithFullSyncBusyTimeoutAndForeignKeys()
    {
        var (database, initializer) = Create(busyTimeout: TimeSpan.FromMilliseconds(2500));
        await initializer.ApplyAsync(CancellationToken.None);

        await using var connection = await database.OpenAsync(CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await connection.ExecuteScalarAsync<long>("PRAGMA synchronous"), Is.EqualTo(2), "2 is FULL");
            Assert.That(await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout"), Is.EqualTo(2500));
            Assert.That(await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys"), Is.EqualTo(1));
            Assert.That(await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
        }
    }

    [Test]
    public async Task OpenAsync_PooledConnectionOpenedAgain_KeepsItsSettings()
    {
        var (database, initializer) = Create(busyTimeout: TimeSpan.FromMilliseconds(1500));
        await initializer.ApplyAsync(CancellationToken.None);
        await (await database.OpenAsync(CancellationToken.None)).DisposeAsync();

        await using var reused = await database.OpenAsync(CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await reused.ExecuteScalarAsync<long>("PRAGMA synchronous"), Is.EqualTo(2));
            Assert.That(await reused.ExecuteScalarAsync<long>("PRAGMA busy_timeout"), Is.EqualTo(1500));
        }
    }

    [Test]
    public async Task ApplyAsync_Schema_HasSchemaSqlsColumnsInTheSameOrderWithTheSameNullability()
    {
        var (_, initializer) = Create();
        await initializer.ApplyAsync(CancellationToken.None);

        var mySql = MySqlSchemaColumns.Read();

        foreach (var table in GoFlowTables)
        {
            var sqlite = await _file.QueryAsync<(string Name, long NotNull)>(
                $"SELECT name, \"notnull\" FROM pragma_table_info('{table}') ORDER BY cid");
            Assert.That(
                sqlite.Select(column => $"{column.Name} {(column.NotNull == 1 ? "NOT NULL" : "NULL")}"),
                Is.EqualTo(mySql[table]),
                $"schema.sqlite.sql's {table} must keep step with schema.sql's");
        }
    }

    [Test]
    public async Task ApplyAsync_FileFromBeforeSchedules_AddsTheScheduleTableThatTheStoreThenUses()
    {
        // A file made before schedules: schema.sqlite.sql without its last table.
        var schema = await File.ReadAllTextAsync(Path.Combine(MySqlSchemaColumns.RepositoryRoot, "schema.sqlite.sql"));
        await using (var connection = _file.Connect())
        {
            await connection.ExecuteAsync(schema[..schema.IndexOf("-- What an operator and the schedule runner", StringComparison.Ordinal)]);
        }

        Assert.That(await _file.QueryAsync<string>("SELECT name FROM sqlite_master WHERE name = 'schedule_states'"), Is.Empty,
            "the test's own setup");
        var (database, initializer) = Create();

        await initializer.ApplyAsync(CancellationToken.None);

        var store = new SqliteScheduleStore(database);
        await store.SetPausedAsync("Nightly", paused: true, TestTimes.Start, CancellationToken.None);
        Assert.That((await store.ReadAllAsync(CancellationToken.None))["Nightly"].Paused, Is.True);
    }

    [Test]
    public async Task ApplyAsync_FileWithTheEarlierLeaseIndex_DropsItAndTheSweepReadsTheClaimIndex()
    {
        var (database, initializer) = Create();
        await initializer.ApplyAsync(CancellationToken.None);
        await using (var connection = _file.Connect())
        {
            // As releases before ADR 0029 reached SQLite created it.
            await connection.ExecuteAsync("CREATE INDEX idx_tasks_lease ON tasks (status, lease_expires_at)");
        }

        await initializer.ApplyAsync(CancellationToken.None);

        Assert.That(
            await _file.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tasks' AND sql IS NOT NULL ORDER BY name"),
            Is.EqualTo(new[] { "idx_tasks_claim" }));
        await using var inspect = _file.Connect();
        var plan = (await inspect.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>(
                "EXPLAIN QUERY PLAN " + SqliteTaskQueueSql.SelectExpiredLeases, new { Now = "2030-01-01", MaxTasks = 10 }))
            .Select(step => step.Detail);
        Assert.That(
            plan,
            Has.Some.Contains("idx_tasks_claim"),
            "the sweep reads the RUNNING tasks through the claim's index, not the whole table");
    }

    [Test]
    public async Task ApplyAsync_FileFromBeforeIdempotencyKeysAndTheList_AddsColumnsAndIndexesKeepingTheRows()
    {
        // A file as the first release created it: its workflow_instances and index, the other tables as they still are.
        var schema = await File.ReadAllTextAsync(Path.Combine(MySqlSchemaColumns.RepositoryRoot, "schema.sqlite.sql"));
        schema = schema[..schema.IndexOf("-- The signals delivered to workflows", StringComparison.Ordinal)];
        var oldSchema = FirstReleaseWorkflowInstances + WorkflowInstancesAndItsIndexes().Replace(schema, string.Empty, 1);
        Assert.That(oldSchema, Does.Not.Contain("idempotency_key"), "the test's own setup");
        var storedBefore = TestTimes.Start.AddHours(-1);
        var oldWorkflow = GoFlow.Domain.WorkflowId.New(storedBefore);
        await using (var connection = _file.Connect())
        {
            await connection.ExecuteAsync(oldSchema);
            await connection.ExecuteAsync(
                """
                INSERT INTO workflow_instances (id, workflow_name, status, current_input, created_at, updated_at)
                VALUES (@Id, 'OrderProcess', 'COMPLETED', '{}', @Then, @Then)
                """,
                new { Id = oldWorkflow.ToString(), Then = SqliteTime.ToDatabase(storedBefore) });
        }

        var (database, initializer) = Create();

        await initializer.ApplyAsync(CancellationToken.None);
        await initializer.ApplyAsync(CancellationToken.None);

        var repository = new SqliteWorkflowRepository(database);
        var (first, firstTask) = new WorkflowBuilder().Build();
        var (second, secondTask) = new WorkflowBuilder().Build();
        var key = new IdempotencyKey("k-1", new string('a', 64));
        await repository.CreateOnceAsync(first, firstTask, key, CancellationToken.None);
        var again = await repository.CreateOnceAsync(second, secondTask, key, CancellationToken.None);
        var listed = await repository.ListAsync(new WorkflowListQuery(null, null, null, null, 10, null), CancellationToken.None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _file.QueryAsync<string>("SELECT name FROM pragma_table_info('workflow_instances') ORDER BY cid"),
                Is.EqualTo(MySqlSchemaColumns.Read()["workflow_instances"].Select(column => column.Split(' ')[0])),
                "the columns of schema.sql, in its order");
            Assert.That(await _file.QueryAsync<string>(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'workflow_instances' AND sql IS NOT NULL ORDER BY name"),
                Is.EqualTo(new[]
                {
                    "idx_workflow_instances_created", "idx_workflow_instances_name_created", "idx_workflow_instances_status_created",
                    "idx_workflow_instances_status_updated", "uq_workflow_instances_idempotency_key",
                }));
            Assert.That(await _file.QueryAsync<string>(
                    "SELECT name FROM pragma_index_info('idx_workflow_instances_status_created') ORDER BY seqno"),
                Is.EqualTo(new[] { "status", "created_at", "id" }), "the first release's index is rebuilt with the id");
            Assert.That(again, Is.TypeOf<IdempotentCreateResult.KeyTaken>(), "the key's index is unique");
            Assert.That(listed.Workflows.Select(workflow => workflow.Id), Is.EqualTo(new[] { first.Id, oldWorkflow }),
                "the workflow stored before the upgrade is kept, without a key");
        }
    }

    /// <summary>workflow_instances and its index as the first release created them.</summary>
    private const string FirstReleaseWorkflowInstances = """
        CREATE TABLE IF NOT EXISTS workflow_instances (
            id            TEXT    NOT NULL PRIMARY KEY,
            workflow_name TEXT    NOT NULL,
            status        TEXT    NOT NULL,
            current_input TEXT    NOT NULL,
            created_at    TEXT    NOT NULL,
            updated_at    TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS idx_workflow_instances_status_created ON workflow_instances (status, created_at);

        """;

    // From CREATE TABLE workflow_instances to the last of its indexes, before the tasks table.
    [GeneratedRegex(@"CREATE TABLE IF NOT EXISTS workflow_instances \(.*?(?=CREATE TABLE IF NOT EXISTS tasks)", RegexOptions.Singleline)]
    private static partial Regex WorkflowInstancesAndItsIndexes();

    private (SqliteDatabase Database, SqliteSchemaInitializer Initializer) Create(TimeSpan? busyTimeout = null)
    {
        var options = _file.Options(busyTimeout);
        var database = new SqliteDatabase(options);
        return (database, Initializer(database, options));
    }

    private static SqliteSchemaInitializer Initializer(SqliteDatabase database, SqliteOptions options) =>
        new(Options.Create(options), database, NullLogger<SqliteSchemaInitializer>.Instance);

    private static async Task<IReadOnlyList<string>> TablesAsync(string path)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        return [.. await connection.QueryAsync<string>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")];
    }
}
