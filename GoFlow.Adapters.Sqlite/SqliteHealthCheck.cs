using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// Ready when the database file opens and the tasks table is there. It opens the file anew, outside the connection
/// pool, for a pooled connection would go on working on a file that was deleted or moved away. The statement reads
/// no row. Its descriptions do not name the file; the exception (logged in full by the health check service) does.
/// </summary>
internal sealed class SqliteHealthCheck(SqliteDatabase database) : IHealthCheck
{
    public const string Name = "sqlite";

    // Opens the existing file only: a check must never create an empty database where the real one went missing.
    private readonly string _connectionString = new SqliteConnectionStringBuilder(database.CreatingConnectionString)
    {
        Mode = SqliteOpenMode.ReadWrite,
        Pooling = false,
    }.ToString();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(_connectionString, cancellationToken);
            await connection.ExecuteScalarAsync(new CommandDefinition(SqliteSchemaSql.ProbeTasksTable, cancellationToken: cancellationToken));
            return HealthCheckResult.Healthy("The SQLite database file opens and its tables are there.");
        }
        catch (SqliteException exception) when (SqliteDatabase.IsUnavailable(exception))
        {
            return HealthCheckResult.Unhealthy("The SQLite database file cannot be opened.", exception);
        }
        catch (SqliteException exception)
        {
            // SQLITE_ERROR: "no such table: tasks" on a file without GoFlow's schema.
            return HealthCheckResult.Unhealthy("The SQLite database file opens, but its tables are missing.", exception);
        }
    }
}
