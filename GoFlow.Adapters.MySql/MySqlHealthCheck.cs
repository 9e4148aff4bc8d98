using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// Ready when the database answers through the adapter's own connection pool and the tasks table is there: the
/// statement reads no row, so it costs the server nothing but a parse. Its descriptions name neither the server nor
/// the database; the exception (logged in full by the health check service) does.
/// </summary>
internal sealed class MySqlHealthCheck(MySqlDataSource dataSource) : IHealthCheck
{
    public const string Name = "mysql";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteScalarAsync(new CommandDefinition(MySqlSchemaSql.ProbeTasksTable, cancellationToken: cancellationToken));
            return HealthCheckResult.Healthy("The MySQL database answers and its tables are there.");
        }
        catch (MySqlException exception) when (exception.ErrorCode is MySqlErrorCode.NoSuchTable or MySqlErrorCode.UnknownDatabase)
        {
            return HealthCheckResult.Unhealthy("The MySQL server answers, but GoFlow's database or tables are missing.", exception);
        }
        catch (Exception exception) when (MySqlAvailability.IsConnectionFailure(exception))
        {
            return HealthCheckResult.Unhealthy("The MySQL database cannot be reached.", exception);
        }
        catch (MySqlException exception)
        {
            return HealthCheckResult.Unhealthy("The MySQL database refused the check.", exception);
        }
    }
}
