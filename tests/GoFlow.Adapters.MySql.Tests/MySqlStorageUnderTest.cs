using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests;
using GoFlow.TestSupport;
using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// The MySQL stores plugged into the storage contract: a fresh database of their own (<see cref="TestDatabase"/>), wired
/// as the host wires them, and the contract's inspection helpers as plain SQL.
/// </summary>
internal sealed class MySqlStorageUnderTest : IStorageUnderTest
{
    private readonly MySqlDataSource _dataSource;
    private readonly HeldConnections _heldConnections;

    private MySqlStorageUnderTest(TestDatabase database)
    {
        Database = database;
        _dataSource = MySqlConnectionSettings.CreateDataSource(new MySqlOptions { ConnectionString = database.ConnectionString });
        _heldConnections = new HeldConnections(_dataSource, new MySqlOptions());
        var repository = new MySqlWorkflowRepository(_dataSource, _heldConnections);
        Repository = repository;
        Retention = repository;
        Queue = new MySqlTaskQueue(_dataSource, _heldConnections);
        Statistics = new MySqlWorkflowStatistics(_dataSource);
        TaskStatistics = new MySqlTaskStatistics(_dataSource);
        Summaries = new MySqlWorkflowSummaries(_dataSource);
        Schedules = new MySqlScheduleStore(_dataSource);
        Signals = new MySqlSignalInbox(_dataSource);
    }

    public TestDatabase Database { get; }

    public IWorkflowRepository Repository { get; }

    public ITaskQueue Queue { get; }

    public IWorkflowRetention Retention { get; }

    public IWorkflowStatistics Statistics { get; }

    public ITaskStatistics TaskStatistics { get; }

    public IWorkflowSummaries Summaries { get; }

    public IScheduleStore Schedules { get; }

    public ISignalInbox Signals { get; }

    public static async Task<MySqlStorageUnderTest> CreateAsync() => new(await TestDatabase.CreateAsync());

    public async Task ResetAsync()
    {
        await Database.ResetAsync();
        await Database.ExecuteAsync("DELETE FROM schedule_states");
    }

    public async Task<TaskLease?> ReadLeaseAsync(TaskId id)
    {
        var rows = await Database.QueryAsync<(string? Owner, DateTime? ExpiresAt)>(
            "SELECT lease_owner, lease_expires_at FROM tasks WHERE id = @Id", new { Id = id.Value });
        if (rows.Count != 1)
        {
            throw new InvalidOperationException($"There is no task {id}.");
        }

        return rows[0] is { Owner: { } owner, ExpiresAt: { } expiresAt }
            ? new TaskLease(owner, MySqlTime.FromDatabase(expiresAt))
            : null;
    }

    public Task<string> SnapshotAsync() => SqlStoreSnapshot.TakeAsync(query => Database.QueryAsync<string>(query));

    public async ValueTask DisposeAsync()
    {
        await _heldConnections.DisposeAsync();
        await _dataSource.DisposeAsync();
        await Database.DisposeAsync();
    }
}
