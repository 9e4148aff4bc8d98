using Dapper;
using GoFlow.Ports.Driven;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

internal sealed class MySqlTaskStatistics(MySqlDataSource dataSource) : ITaskStatistics
{
    public Task<TaskCounts> CountAsync(CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var (pending, running) = await connection.QuerySingleAsync<(long, long)>(
                new CommandDefinition(MySqlStatisticsSql.CountPendingAndRunningTasks, cancellationToken: cancellationToken));
            return new TaskCounts(pending, running);
        });
}
