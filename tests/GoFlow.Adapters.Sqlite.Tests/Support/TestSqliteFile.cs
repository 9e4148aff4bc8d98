using Dapper;
using Microsoft.Data.Sqlite;

namespace GoFlow.Adapters.Sqlite.Tests.Support;

/// <summary>
/// A database file path in a fresh temporary folder of its own; disposing closes every pooled connection and deletes
/// the folder, so no test leaves a file behind. The file itself is created by whoever opens it first.
/// </summary>
internal sealed class TestSqliteFile : IDisposable
{
    public TestSqliteFile()
    {
        Folder = Directory.CreateTempSubdirectory("goflow-sqlite-test-").FullName;
        Path = System.IO.Path.Combine(Folder, "goflow.db");
    }

    public string Folder { get; }

    /// <summary>The database file's full path (<c>goflow.db</c> in <see cref="Folder"/>).</summary>
    public string Path { get; }

    public SqliteOptions Options(TimeSpan? busyTimeout = null, bool applySchemaOnStart = true) => new()
    {
        Path = Path,
        BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(5),
        ApplySchemaOnStart = applySchemaOnStart,
    };

    /// <summary>A plain connection of the test's own, not the adapter's: to inspect and to interfere.</summary>
    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = Connect();
        return [.. await connection.QueryAsync<T>(sql, parameters)];
    }

    public async Task<T?> ExecuteScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = Connect();
        return await connection.ExecuteScalarAsync<T>(sql, parameters);
    }

    public void Dispose()
    {
        // Pooled connections keep the file (and its -wal and -shm files) open until cleared.
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
