using System.Data;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql;

/// <summary>A snooze: the holder hands its task back, due later, without using up the attempt (ADR 0019).</summary>
internal sealed partial class MySqlTaskQueue
{
    public Task<bool> SnoozeAsync(TaskSnooze snooze, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            var task = snooze.Task;
            var until = MySqlTime.Kept(snooze.Until);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            if (!await UpdateHeldTaskAsync(
                transaction,
                MySqlTaskQueueSql.SnoozeTask,
                new
                {
                    TaskId = task.Id.Value,
                    Owner = task.LeaseOwner,
                    task.Attempt,
                    Until = MySqlTime.ToDatabase(until),
                    Now = MySqlTime.ToDatabase(snooze.Now),
                },
                cancellationToken))
            {
                return false;
            }

            await ActivityLog.AppendAsync(
                transaction, [.. TaskTransitions.Snooze.Log(task.Subject, snooze.Now, retryAt: until)], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        });
}
