using Dapper;
using GoFlow.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>The stores a hosted test can run on.</summary>
public enum Store
{
    MySql,
    Sqlite,
}

/// <summary>
/// A fresh store of either kind for one fixture, dropped (or deleted) on dispose, that several hosts can share: an API
/// host and, later, a worker host on the same workflows.
/// </summary>
internal abstract class TestStore : IAsyncDisposable
{
    public abstract Store Kind { get; }

    /// <summary>The task queue a host on this store must have picked, to prove the test runs where it says.</summary>
    public string ExpectedQueueType => Kind == Store.MySql ? "MySqlTaskQueue" : "SqliteTaskQueue";

    public static async Task<TestStore> CreateAsync(Store kind) => kind switch
    {
        Store.MySql => new MySqlTestStore(await TestDatabase.CreateAsync()),
        Store.Sqlite => new SqliteTestStore(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown store."),
    };

    /// <summary>Points a host at this store.</summary>
    public abstract void Configure(IWebHostBuilder builder);

    /// <summary>A count, in SQL both stores read the same way.</summary>
    public abstract Task<long> CountAsync(string sql, object? parameters = null);

    /// <summary>Runs a statement on the store's database, outside any host.</summary>
    public abstract Task ExecuteAsync(string sql);

    /// <summary>SQLite only: a connection holding the file's write lock (BEGIN IMMEDIATE) until it is disposed.</summary>
    public virtual Task<SqliteConnection> HoldWriteLockAsync() => throw new NotSupportedException("MySQL has no file lock.");

    public abstract ValueTask DisposeAsync();

    private sealed class MySqlTestStore(TestDatabase database) : TestStore
    {
        public override Store Kind => Store.MySql;

        public override void Configure(IWebHostBuilder builder) =>
            builder.UseSetting("MySql:ConnectionString", database.ConnectionString);

        public override Task<long> CountAsync(string sql, object? parameters = null) =>
            database.ExecuteScalarAsync<long>(sql, parameters);

        public override Task ExecuteAsync(string sql) => database.ExecuteAsync(sql);

        public override ValueTask DisposeAsync() => database.DisposeAsync();
    }

    private sealed class SqliteTestStore : TestStore
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("goflow-http-store-").FullName;

        private string DatabasePath => Path.Combine(_folder, "goflow.db");

        public override Store Kind => Store.Sqlite;

        // No MySQL setting at all: the host then picks SQLite, its default store.
        public override void Configure(IWebHostBuilder builder) => builder.UseSetting("Sqlite:Path", DatabasePath);

        public override async Task<long> CountAsync(string sql, object? parameters = null)
        {
            await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync();
            return await connection.ExecuteScalarAsync<long>(sql, parameters);
        }

        public override async Task ExecuteAsync(string sql)
        {
            await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
            await connection.OpenAsync();
            await connection.ExecuteAsync(sql);
        }

        public override async Task<SqliteConnection> HoldWriteLockAsync()
        {
            var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
            await connection.OpenAsync();
            await connection.ExecuteAsync("BEGIN IMMEDIATE");
            return connection;
        }

        public override ValueTask DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
