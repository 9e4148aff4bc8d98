using Dapper;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Sqlite;

internal sealed class SqliteTaskStatistics(SqliteDatabase database) : ITaskStatistics
{
    public Task<TaskCounts> CountAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(
            async (connection, transaction) =>
            {
                var (pending, running) = await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(
                    SqliteStatisticsSql.CountPendingAndRunningTasks, transaction: transaction, cancellationToken: cancellationToken));
                return new TaskCounts(pending, running);
            },
            cancellationToken);
}
