using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

internal sealed class MySqlTaskStatistics(MySqlDataSource dataSource) : ITaskStatistics
{
    public Task<TaskCounts> CountAsync(CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var rows = await connection.QueryAsync<StatusCountRow>(
                new CommandDefinition(MySqlStatisticsSql.CountUnfinishedTasks, cancellationToken: cancellationToken));
            return new TaskCounts(rows.Select(row => KeyValuePair.Create(StatusNames.ToTaskStatus(row.Status), row.Count)));
        });
}
