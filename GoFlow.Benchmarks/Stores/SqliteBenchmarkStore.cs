using System.Data.Common;
using System.Globalization;
using System.Text;
using GoFlow.Adapters.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Benchmarks.Stores;

/// <summary>
/// A SQLite file: a temporary one, deleted on dispose, unless the caller names a file to keep. Connections are set up
/// as the adapter's are (GoFlow.Adapters.Sqlite/SqliteDatabase.cs, SqliteSchemaSql.ConfigureConnection): private cache,
/// foreign keys on, <c>busy_timeout</c> 5 s, <c>synchronous = FULL</c>; the adapter puts the file in WAL mode.
/// </summary>
internal sealed class SqliteBenchmarkStore : BenchmarkStore
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";
    private const string ConfigureConnection = "PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;";

    private readonly bool _ownsFile;
    private readonly string _connectionString;

    public SqliteBenchmarkStore(string? path)
    {
        _ownsFile = path is null;
        FilePath = Path.GetFullPath(path ?? Path.Combine(Path.GetTempPath(), $"goflow-bench-{Guid.NewGuid():N}.db"));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = 5,
        }.ToString();
    }

    public override string Name => "SQLite";

    public string FilePath { get; }

    public override SemaphoreSlim? WriterGate { get; } = new(1, 1);

    public override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["Sqlite__Path"] = FilePath,
    };

    public override void AddEngineStore(IServiceCollection services, IDictionary<string, string?> settings)
    {
        settings["Sqlite:Path"] = FilePath;
        services.AddGoFlowSqlite();
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var configure = Command(connection, ConfigureConnection);
        await configure.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override bool IsTransient(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED };

    public override object ToDatabase(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        return utc.AddTicks(-(utc.Ticks % 10)).ToString(TimeFormat, CultureInfo.InvariantCulture);
    }

    public override DateTimeOffset FromDatabase(object value) =>
        new(DateTime.SpecifyKind(
            DateTime.ParseExact((string)value, TimeFormat, CultureInfo.InvariantCulture), DateTimeKind.Utc));

    public override async Task<StoreDescription> DescribeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        async Task<string> TextAsync(string sql)
        {
            await using var command = Command(connection, sql);
            return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) ?? "NULL";
        }

        var version = await TextAsync(BenchSql.SqliteDescribe);
        var journalMode = await TextAsync(BenchSql.SqliteJournalMode);
        var synchronous = await TextAsync(BenchSql.SqliteSynchronous);
        return new StoreDescription(
            $"SQLite {version} (Microsoft.Data.Sqlite), file {(_ownsFile ? "in the temp folder, deleted afterwards" : FilePath)}, same machine",
            [
                new("journal_mode", journalMode),
                new("synchronous", synchronous == "2" ? "FULL (2), set per connection as the adapter does" : synchronous),
            ]);
    }

    public override async Task<string> ExplainClaimAsync(int batch, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection, "EXPLAIN QUERY PLAN " + SqliteTaskQueueSql.SelectClaimCandidates, ("@Now", ToDatabase(TimeProvider.System.GetUtcNow())), ("@MaxTasks", batch));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var text = new StringBuilder();
        while (await reader.ReadAsync(cancellationToken))
        {
            text.AppendLine(reader.GetString(3));
        }

        return text.ToString().TrimEnd();
    }

    public override async Task SeedAsync(SeedRequest request, CancellationToken cancellationToken)
    {
        var prefix = NewSeedPrefix();
        await using var connection = await OpenAsync(cancellationToken);
        for (long from = 1; from <= request.Workflows; from += SeedChunk)
        {
            var to = Math.Min(request.Workflows, from + SeedChunk - 1);
            await WriterGate!.WaitAsync(cancellationToken);
            try
            {
                await using var transaction = await BeginWriteAsync(connection, cancellationToken);
                await using var command = Command(
                    connection,
                    BenchSql.SqliteSeed(from, to, request.Steps, request.Finished),
                    ("@Prefix", prefix),
                    ("@Name", request.WorkflowName),
                    ("@CreatedAt", ToDatabase(request.CreatedAt)),
                    ("@FirstId", prefix + from.ToString("x12", CultureInfo.InvariantCulture)),
                    ("@LastId", prefix + to.ToString("x12", CultureInfo.InvariantCulture)));
                command.Transaction = transaction;
                command.CommandTimeout = 600;
                await command.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            finally
            {
                WriterGate.Release();
            }
        }
    }

    public override async Task<StorageSnapshot> ReadStorageAsync(string label, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var names = new List<string>();
        await using (var command = Command(connection, BenchSql.SqliteTables))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }

        var tables = new List<TableSize>();
        foreach (var name in names)
        {
            await using var count = Command(connection, BenchSql.SqliteCountRows(name));
            tables.Add(new TableSize(name, Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture), null, null, null));
        }

        await using (var command = Command(connection, BenchSql.SqliteFilePages))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            var (pages, free, pageSize) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            tables.Add(new TableSize(TableSize.WholeFile, null, (pages - free) * pageSize, null, free * pageSize));
        }

        // SQLite's page cache is per connection and small; the file's pages are the operating system's to cache.
        return new StorageSnapshot(label, tables, BufferPool: null);
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        WriterGate!.Dispose();
        if (_ownsFile)
        {
            foreach (var file in new[] { FilePath, FilePath + "-wal", FilePath + "-shm" })
            {
                File.Delete(file);
            }
        }

        return ValueTask.CompletedTask;
    }
}
