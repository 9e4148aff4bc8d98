using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using GoFlow.Adapters.MySql;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace GoFlow.Benchmarks.Stores;

/// <summary>A MySQL or MariaDB database named by a connection string with <c>Database=</c>.</summary>
internal sealed class MySqlBenchmarkStore : BenchmarkStore
{
    private readonly string _engineConnectionString;
    private readonly string _connectionString;
    private bool? _mariaDb;

    public MySqlBenchmarkStore(string connectionString)
    {
        var settings = new MySqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(settings.Database))
        {
            throw new ArgumentException("The MySQL connection string must name a database (Database=...).");
        }

        _engineConnectionString = connectionString;

        // Ids are read as text and times as UTC, whatever the caller's connection string says.
        settings.GuidFormat = MySqlGuidFormat.None;
        settings.DateTimeKind = MySqlDateTimeKind.Utc;
        _connectionString = settings.ConnectionString;
        DatabaseName = settings.Database;
    }

    public override string Name => "MySQL";

    public string DatabaseName { get; }

    public override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["MySql__ConnectionString"] = _engineConnectionString,
    };

    public override void AddEngineStore(IServiceCollection services, IDictionary<string, string?> settings)
    {
        settings["MySql:ConnectionString"] = _engineConnectionString;
        services.AddGoFlowMySql();
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((MySqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    public override bool IsTransient(DbException exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    public override object ToDatabase(DateTimeOffset value) => value.UtcDateTime;

    public override DateTimeOffset FromDatabase(object value) =>
        new(DateTime.SpecifyKind((DateTime)value, DateTimeKind.Utc), TimeSpan.Zero);

    public override async Task<StoreDescription> DescribeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, BenchSql.MySqlDescribe);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        string Text(int ordinal) => Convert.ToString(reader.GetValue(ordinal), CultureInfo.InvariantCulture) ?? "NULL";
        var version = Text(0);
        _mariaDb = version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        var bufferPool = Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture) / (1024 * 1024);
        return new StoreDescription(
            $"{(_mariaDb.Value ? "MariaDB" : "MySQL")} {version}, database {DatabaseName}, same machine, innodb_buffer_pool_size {bufferPool} MiB",
            [
                new("innodb_flush_log_at_trx_commit", Text(1)),
                new("sync_binlog", Text(2)),
                new("log_bin", Text(3)),
            ]);
    }

    public override async Task<string> ExplainClaimAsync(int batch, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection, "EXPLAIN " + MySqlTaskQueueSql.SelectClaimCandidates, ("@Now", ToDatabase(TimeProvider.System.GetUtcNow())), ("@MaxTasks", batch));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var text = new StringBuilder();
        text.AppendLine(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)));
        while (await reader.ReadAsync(cancellationToken))
        {
            text.AppendLine(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i =>
                reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return text.ToString().TrimEnd();
    }

    public override async Task SeedAsync(SeedRequest request, CancellationToken cancellationToken)
    {
        if (_mariaDb is null)
        {
            await DescribeAsync(cancellationToken);
        }

        var prefix = NewSeedPrefix();
        await using var connection = await OpenAsync(cancellationToken);
        if (_mariaDb is false)
        {
            await using var deeper = Command(connection, BenchSql.MySqlAllowDeepRecursion);
            await deeper.ExecuteNonQueryAsync(cancellationToken);
        }

        for (long from = 1; from <= request.Workflows; from += SeedChunk)
        {
            var to = Math.Min(request.Workflows, from + SeedChunk - 1);
            await using var transaction = await BeginWriteAsync(connection, cancellationToken);
            await using var command = Command(
                connection,
                BenchSql.MySqlSeed(from, to, request.Steps, request.Finished, _mariaDb!.Value),
                ("@Prefix", prefix),
                ("@Name", request.WorkflowName),
                ("@CreatedAt", ToDatabase(request.CreatedAt)));
            command.Transaction = transaction;
            command.CommandTimeout = 600;
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    public override async Task<StorageSnapshot> ReadStorageAsync(string label, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var table in await ReadTableSizesAsync(connection, cancellationToken))
        {
            await using var analyze = Command(connection, BenchSql.MySqlAnalyzeTable(table.Table));
            await using var answer = await analyze.ExecuteReaderAsync(cancellationToken);
            while (await answer.ReadAsync(cancellationToken))
            {
                // ANALYZE answers a status row per table; it has run once they are read.
            }
        }

        var tables = await ReadTableSizesAsync(connection, cancellationToken);
        var status = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        await using (var command = Command(connection, BenchSql.MySqlBufferPoolStatus))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (long.TryParse(Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                {
                    status[reader.GetString(0)] = value;
                }
            }
        }

        await using var poolSize = Command(connection, BenchSql.MySqlBufferPoolSize);
        var bufferPool = new BufferPoolCounters(
            status.GetValueOrDefault("Innodb_buffer_pool_read_requests"),
            status.GetValueOrDefault("Innodb_buffer_pool_reads"),
            status.GetValueOrDefault("Innodb_buffer_pool_pages_data"),
            status.GetValueOrDefault("Innodb_buffer_pool_pages_total"),
            Convert.ToInt64(await poolSize.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture));
        return new StorageSnapshot(label, tables, bufferPool);
    }

    private static async Task<List<TableSize>> ReadTableSizesAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, BenchSql.MySqlTableSizes);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tables = new List<TableSize>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(new TableSize(reader.GetString(0), Number(reader, 1), Number(reader, 2), Number(reader, 3), Number(reader, 4)));
        }

        return tables;
    }

    private static long Number(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    public override ValueTask DisposeAsync()
    {
        MySqlConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
