using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Sqlite.Tests.Support;

/// <summary>A fresh database file per test, the schema applied as the host applies it, and the adapter over it.</summary>
internal abstract class SqliteFileFixture
{
    protected TestSqliteFile File { get; private set; } = null!;

    protected SqliteDatabase Database { get; private set; } = null!;

    protected SqliteWorkflowRepository Repository { get; private set; } = null!;

    protected SqliteTaskQueue Queue { get; private set; } = null!;

    /// <summary>The busy timeout of <see cref="Database"/>; short, so tests about waiting for the lock end soon.</summary>
    protected virtual TimeSpan BusyTimeout => TimeSpan.FromSeconds(5);

    [SetUp]
    public async Task CreateDatabase()
    {
        File = new TestSqliteFile();
        Database = CreateDatabaseOverTheSameFile();
        await new SqliteSchemaInitializer(
                Options.Create(File.Options(BusyTimeout)), Database, NullLogger<SqliteSchemaInitializer>.Instance)
            .ApplyAsync(CancellationToken.None);
        Repository = new SqliteWorkflowRepository(Database);
        Queue = new SqliteTaskQueue(Database);
    }

    [TearDown]
    public void DeleteDatabase()
    {
        Database.Dispose();
        File.Dispose();
    }

    /// <summary>
    /// Another adapter instance on the same file, as another process would have: it shares nothing with
    /// <see cref="Database"/> but the file, so only SQLite's own lock keeps the two apart.
    /// </summary>
    protected SqliteDatabase CreateDatabaseOverTheSameFile() => new(File.Options(BusyTimeout));
}
