using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Sqlite;

internal sealed class SqliteTaskStatistics(SqliteDatabase database) : ITaskStatistics
{
    public Task<TaskCounts> CountAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(
            async (connection, transaction) =>
            {
                var rows = await connection.QueryAsync<StatusCountRow>(new CommandDefinition(
                    SqliteStatisticsSql.CountUnfinishedTasks, transaction: transaction, cancellationToken: cancellationToken));
                return new TaskCounts(rows.Select(row => KeyValuePair.Create(StatusNames.ToTaskStatus(row.Status), row.Count)));
            },
            cancellationToken);
}
