using Dapper;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Sqlite;

/// <summary>A snooze: the holder hands its task back, due later, without using up the attempt (ADR 0019).</summary>
internal sealed partial class SqliteTaskQueue
{
    public Task<bool> SnoozeAsync(TaskSnooze snooze, CancellationToken cancellationToken)
    {
        var task = snooze.Task;
        var until = SqliteTime.Kept(snooze.Until);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var held = await connection.ExecuteAsync(new CommandDefinition(
                    SqliteTaskQueueSql.SnoozeTask,
                    new
                    {
                        TaskId = task.Id.Value,
                        Owner = task.LeaseOwner,
                        task.Attempt,
                        Until = SqliteTime.ToDatabase(until),
                        Now = SqliteTime.ToDatabase(snooze.Now),
                    },
                    cancellationToken: cancellationToken));
                if (held == 0)
                {
                    return false;
                }

                database.Append(transaction, [.. TaskTransitions.Snooze.Log(task.Subject, snooze.Now, retryAt: until)]);
                await transaction.CommitAsync(cancellationToken);
                return true;
            },
            cancellationToken);
    }
}
