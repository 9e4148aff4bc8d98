using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests;
using Microsoft.Extensions.Logging.Abstractions;

namespace GoFlow.Adapters.Sqlite.Tests.Support;

/// <summary>The SQLite adapter plugged into the storage contract: a fresh file, the schema applied as the host applies it.</summary>
internal sealed class SqliteStorageUnderTest : IStorageUnderTest
{
    private readonly TestSqliteFile _file;
    private readonly SqliteDatabase _database;

    private SqliteStorageUnderTest(TestSqliteFile file, SqliteDatabase database)
    {
        _file = file;
        _database = database;
        var repository = new SqliteWorkflowRepository(database);
        Repository = repository;
        Retention = repository;
        Queue = new SqliteTaskQueue(database);
        Statistics = new SqliteWorkflowStatistics(database);
        TaskStatistics = new SqliteTaskStatistics(database);
        Summaries = new SqliteWorkflowSummaries(database);
        Schedules = new SqliteScheduleStore(database);
        Signals = new SqliteSignalInbox(database);
    }

    public IWorkflowRepository Repository { get; }

    public ITaskQueue Queue { get; }

    public IWorkflowRetention Retention { get; }

    public IWorkflowStatistics Statistics { get; }

    public ITaskStatistics TaskStatistics { get; }

    public IWorkflowSummaries Summaries { get; }

    public IScheduleStore Schedules { get; }

    public ISignalInbox Signals { get; }

    public static async Task<IStorageUnderTest> CreateAsync()
    {
        var file = new TestSqliteFile();
        var options = file.Options();
        var database = new SqliteDatabase(options);
        await new SqliteSchemaInitializer(
                Microsoft.Extensions.Options.Options.Create(options), database, NullLogger<SqliteSchemaInitializer>.Instance)
            .ApplyAsync(CancellationToken.None);
        return new SqliteStorageUnderTest(file, database);
    }

    public async Task ResetAsync()
    {
        await using var connection = _file.Connect();
        await connection.ExecuteAsync("DELETE FROM activity_logs; DELETE FROM workflow_signals; DELETE FROM tasks; DELETE FROM workflow_instances; DELETE FROM schedule_states;");
    }

    public async Task<TaskLease?> ReadLeaseAsync(TaskId id)
    {
        var rows = await _file.QueryAsync<(string? Owner, string? ExpiresAt)>(
            "SELECT lease_owner, lease_expires_at FROM tasks WHERE id = @Id", new { Id = id.Value });
        var row = rows.Single();
        return row.Owner is null ? null : new TaskLease(row.Owner, SqliteTime.FromDatabase(row.ExpiresAt!));
    }

    public Task<string> SnapshotAsync() => SqlStoreSnapshot.TakeAsync(query => _file.QueryAsync<string>(query));

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        _file.Dispose();
        return ValueTask.CompletedTask;
    }
}
