using Dapper;
using MySqlConnector;

namespace GoFlow.TestSupport;

/// <summary>
/// A fresh, uniquely named database on the test server named by <c>GOFLOW_TEST_MYSQL</c>, with the repository's
/// schema.sql applied; dropped on dispose. Give each fixture its own.
/// </summary>
/// <remarks>
/// A missing <c>GOFLOW_TEST_MYSQL</c> throws, so database tests fail rather than skip: a database test that silently
/// does not run proves nothing.
/// </remarks>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable that holds the server-level connection string (no Database=).</summary>
    public const string EnvironmentVariable = "GOFLOW_TEST_MYSQL";

    private readonly string _serverConnectionString;

    private TestDatabase(MySqlConnectionStringBuilder server, string name)
    {
        _serverConnectionString = server.ConnectionString;
        Name = name;
        Host = server.Server;
        Port = (int)server.Port;
        User = server.UserID;
        Password = server.Password;
        ConnectionString = new MySqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>A connection string to this database (server, credentials and <c>Database=</c>).</summary>
    public string ConnectionString { get; }

    public string Host { get; }

    public int Port { get; }

    public string User { get; }

    public string Password { get; }

    /// <summary>The database's name, <c>goflow_test_</c> followed by twelve hex digits.</summary>
    public string Name { get; }

    /// <summary>The folder that holds GoFlow.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The canonical schema, the file the MySQL adapter embeds.</summary>
    public static string SchemaPath => Path.Combine(RepositoryRoot, "schema.sql");

    /// <summary>Creates the database and applies schema.sql to it.</summary>
    public static async Task<TestDatabase> CreateAsync() => await CreateAsync(await File.ReadAllTextAsync(SchemaPath));

    /// <summary>Creates the database and applies <paramref name="schema"/> to it (an older schema, say).</summary>
    public static async Task<TestDatabase> CreateAsync(string schema)
    {
        var database = Reserve();
        await database.ExecuteOnServerAsync(
            $"CREATE DATABASE `{database.Name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        await database.ExecuteAsync(schema);
        return database;
    }

    /// <summary>
    /// Picks a fresh name without creating the database, for code under test that creates it; dispose still drops it.
    /// </summary>
    public static TestDatabase Reserve()
    {
        var text = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Database tests need a MySQL or MariaDB server: run " +
                $"eval \"$(scripts/mariadb.sh start)\" from the repository root, which starts a throwaway MariaDB and sets " +
                $"{EnvironmentVariable} (e.g. 'Server=127.0.0.1;Port=3307;User ID=goflow;Password=goflow').");
        }

        var server = new MySqlConnectionStringBuilder(text) { Database = string.Empty };
        return new TestDatabase(server, "goflow_test_" + Guid.NewGuid().ToString("N")[..12]);
    }

    public async Task<T?> ExecuteScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await OpenAsync();
        return await connection.ExecuteScalarAsync<T>(sql, parameters);
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await OpenAsync();
        return [.. await connection.QueryAsync<T>(sql, parameters)];
    }

    /// <returns>The number of rows the statement matched.</returns>
    public async Task<int> ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await OpenAsync();
        return await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>Whether the database exists on the server (it does not after <see cref="Reserve"/> alone).</summary>
    public async Task<bool> ExistsAsync()
    {
        await using var connection = new MySqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @Name", new { Name }) > 0;
    }

    /// <summary>Deletes every row, children before parents, so a test starts from empty tables.</summary>
    public Task ResetAsync() =>
        ExecuteAsync("DELETE FROM activity_logs; DELETE FROM workflow_signals; DELETE FROM tasks; DELETE FROM workflow_instances;");

    public async ValueTask DisposeAsync()
    {
        await using (var connection = new MySqlConnection(ConnectionString))
        {
            await MySqlConnection.ClearPoolAsync(connection);
        }

        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS `{Name}`");
    }

    private async Task<MySqlConnection> OpenAsync()
    {
        var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new MySqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync(sql);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GoFlow.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No GoFlow.sln above {AppContext.BaseDirectory}: cannot find schema.sql.");
    }
}
