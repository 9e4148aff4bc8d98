using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Benchmarks.Stores;

/// <summary>A workflow of a run as the store recorded it.</summary>
internal sealed record StoredWorkflow(string Id, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A TASK_STARTED or TASK_COMPLETED activity row of a run's workflow.</summary>
internal sealed record StepEvent(string WorkflowId, string Action, DateTimeOffset At);

/// <summary>The database, its version and the settings that decide whether a commit is durable.</summary>
internal sealed record StoreDescription(string Summary, IReadOnlyList<KeyValuePair<string, string>> Durability);

/// <summary>
/// Rows to insert in bulk: <paramref name="Workflows"/> workflows of <paramref name="Steps"/> steps named
/// <paramref name="WorkflowName"/>, all finished (every step COMPLETED) or all queued (first task PENDING).
/// </summary>
internal sealed record SeedRequest(string WorkflowName, long Workflows, int Steps, bool Finished, DateTimeOffset CreatedAt);

/// <summary>
/// The database the benchmark runs on: how the engine (in process or as a child host) is pointed at it, and the
/// plain ADO.NET access the benchmark uses to read the figures back and seed rows.
/// </summary>
internal abstract class BenchmarkStore : IAsyncDisposable
{
    /// <summary>Workflows per seeding statement: large enough to be quick, small enough for one transaction each.</summary>
    protected const long SeedChunk = 20_000;

    /// <summary>"MySQL" or "SQLite".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Writers of this process queue here before they begin a transaction, or null when the database lets them run at
    /// once. SQLite admits one writer at a time, and its busy handler sleeps in steps of milliseconds, so the SQLite
    /// adapter queues its writers in process; the seeding does the same.
    /// </summary>
    public virtual SemaphoreSlim? WriterGate => null;

    /// <summary>Points an in-process engine at this store: its settings and its adapter registration.</summary>
    public abstract void AddEngineStore(IServiceCollection services, IDictionary<string, string?> settings);

    /// <summary>
    /// The store adapter alone, registered as <see cref="AddEngineStore"/> registers it for the engine, with nothing of
    /// the engine around it: the raw replay calls its task queue directly. Its start-up step is not run (the schema is
    /// in place once the store was seeded).
    /// </summary>
    public ServiceProvider BuildAdapterServices()
    {
        var services = new ServiceCollection();
        var settings = new Dictionary<string, string?>();
        AddEngineStore(services, settings);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        return services.BuildServiceProvider();
    }

    /// <summary>The environment variables that point a GoFlow.Host child process at this store.</summary>
    public abstract IReadOnlyDictionary<string, string> HostEnvironment { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Begins a write transaction (READ COMMITTED on MySQL; on SQLite BEGIN IMMEDIATE, which takes the write lock at once
    /// as the engine's writes do, through their own first statement).
    /// </summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Whether the error rolled back a transaction that may simply run again: a deadlock, a lock wait timeout, a busy file.</summary>
    public abstract bool IsTransient(DbException exception);

    public abstract object ToDatabase(DateTimeOffset value);

    public abstract DateTimeOffset FromDatabase(object value);

    public abstract Task<StoreDescription> DescribeAsync(CancellationToken cancellationToken);

    /// <summary>The plan of the store adapter's claim SELECT with a batch of <paramref name="batch"/>, as text.</summary>
    public abstract Task<string> ExplainClaimAsync(int batch, CancellationToken cancellationToken);

    public abstract Task SeedAsync(SeedRequest request, CancellationToken cancellationToken);

    /// <summary>The size of every table and its indexes, and the buffer pool's counters where there is one.</summary>
    public abstract Task<StorageSnapshot> ReadStorageAsync(string label, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    public async Task<IReadOnlyList<StoredWorkflow>> ReadWorkflowsAsync(
        string workflowName, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, BenchSql.ReadWorkflows, ("@Name", workflowName), ("@Since", ToDatabase(since)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var workflows = new List<StoredWorkflow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            workflows.Add(new StoredWorkflow(
                ReadId(reader, 0),
                reader.GetString(1),
                FromDatabase(reader.GetValue(2)),
                FromDatabase(reader.GetValue(3))));
        }

        return workflows;
    }

    public async Task<IReadOnlyList<StepEvent>> ReadStepEventsAsync(
        string workflowName, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, BenchSql.ReadStepEvents, ("@Name", workflowName), ("@Since", ToDatabase(since)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<StepEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new StepEvent(
                ReadId(reader, 0),
                reader.GetString(1),
                FromDatabase(reader.GetValue(2))));
        }

        return events;
    }

    public Task<long> CountUnfinishedWorkflowsAsync(string workflowName, DateTimeOffset since, CancellationToken cancellationToken) =>
        ScalarAsync(BenchSql.CountUnfinishedWorkflows, cancellationToken, ("@Name", workflowName), ("@Since", ToDatabase(since)));

    public async Task<bool> AnyUnfinishedWorkflowAsync(string workflowName, DateTimeOffset since, CancellationToken cancellationToken) =>
        await ScalarAsync(BenchSql.AnyUnfinishedWorkflow, cancellationToken, ("@Name", workflowName), ("@Since", ToDatabase(since))) > 0;

    public Task<long> CountUnfinishedTasksAsync(CancellationToken cancellationToken) =>
        ScalarAsync(BenchSql.CountUnfinishedTasks, cancellationToken);

    public Task<long> CountActionsAsync(string workflowName, DateTimeOffset since, string action, CancellationToken cancellationToken) =>
        ScalarAsync(BenchSql.CountActions, cancellationToken, ("@Name", workflowName), ("@Since", ToDatabase(since)), ("@Action", action));

    public Task<long> CountTasksAsync(CancellationToken cancellationToken) =>
        ScalarAsync(BenchSql.CountTasks, cancellationToken);

    public Task<long> CountWorkflowsAsync(CancellationToken cancellationToken) =>
        ScalarAsync(BenchSql.CountWorkflows, cancellationToken);

    public async Task<string?> WorkflowStatusAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, BenchSql.WorkflowStatus, ("@Id", id));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>A workflow id column as text, whether the driver hands it out as a string or as a Guid.</summary>
    public static string ReadId(DbDataReader reader, int ordinal) =>
        Convert.ToString(reader.GetValue(ordinal), CultureInfo.InvariantCulture)!;

    /// <summary>A seed's 24-character id prefix, random so that seeds never collide; ids end in 12 hex digits.</summary>
    protected static string NewSeedPrefix() => Guid.NewGuid().ToString("D")[..24];

    protected async Task<long> ScalarAsync(
        string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
