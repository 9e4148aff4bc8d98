using Dapper;
using GoFlow.Adapters.Sqlite.Tests.Support;
using GoFlow.Storage.ContractTests.Builders;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Sqlite.Tests;

/// <summary>The start-up step and the settings the adapter's connections really run with, on a real file.</summary>
internal sealed class SqliteSchemaInitializerTests
{
    private static readonly string[] GoFlowTables = ["activity_logs", "tasks", "workflow_instances"];

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
