using Dapper;
using GoFlow.TestSupport;
using Microsoft.Data.Sqlite;

namespace GoFlow.Host.Tests.EndToEnd;

/// <summary>The stores the end-to-end tests run against: every workflow test runs once per store.</summary>
public enum Store
{
    MySql,
    Sqlite,
}

/// <summary>A fresh, empty store of one kind: the settings that point the host at it, and a way to look inside.</summary>
internal abstract class TestStore : IAsyncDisposable
{
    /// <summary>The host's setting that selects this store and says where it is.</summary>
    public abstract KeyValuePair<string, string> Setting { get; }

    /// <summary>The name of the <c>ITaskQueue</c> implementation the host must end up with.</summary>
    public abstract string QueueTypeName { get; }

    public static async Task<TestStore> CreateAsync(Store store) => store switch
    {
        Store.MySql => new MySqlTestStore(await TestDatabase.CreateAsync()),
        Store.Sqlite => new SqliteTestStore(),
        _ => throw new ArgumentOutOfRangeException(nameof(store), store, null),
    };

    public abstract Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null);

    public abstract ValueTask DisposeAsync();

    /// <summary>A database of its own on the server named by GOFLOW_TEST_MYSQL.</summary>
    private sealed class MySqlTestStore(TestDatabase database) : TestStore
    {
        public override KeyValuePair<string, string> Setting => new("MySql:ConnectionString", database.ConnectionString);

        public override string QueueTypeName => "MySqlTaskQueue";

        public override Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null) =>
            database.QueryAsync<T>(sql, parameters);

        public override ValueTask DisposeAsync() => database.DisposeAsync();
    }

    /// <summary>A database file in a temporary folder of its own, which the host creates; the folder is deleted after.</summary>
    private sealed class SqliteTestStore : TestStore
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("goflow-e2e-").FullName;

        private string FilePath => Path.Combine(_folder, "goflow.db");

        public override KeyValuePair<string, string> Setting => new("Sqlite:Path", FilePath);

        public override string QueueTypeName => "SqliteTaskQueue";

        public override async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
        {
            await using var connection = new SqliteConnection($"Data Source={FilePath};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync();
            return [.. await connection.QueryAsync<T>(sql, parameters)];
        }

        public override ValueTask DisposeAsync()
        {
            // The host's pooled connections keep the file open until cleared.
            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
