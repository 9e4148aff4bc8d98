using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Sqlite;

/// <remarks>
/// Every method is one write transaction holding the file's write lock (<see cref="SqliteDatabase.WriteAsync"/>): a
/// delivery and a wait never interleave, so a signal is either seen by the wait or wakes the parked task.
/// </remarks>
internal sealed class SqliteSignalInbox(SqliteDatabase database) : ISignalInbox
{
    public Task<SignalDeliveryResult> DeliverAsync(NewSignal signal, CancellationToken cancellationToken)
    {
        var workflowId = SqliteIds.ToDatabase(signal.WorkflowId);
        var receivedAt = SqliteTime.ToDatabase(signal.ReceivedAt);
        return database.WriteAsync<SignalDeliveryResult>(
            async (connection, transaction) =>
            {
                var status = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                    SqliteSignalSql.SelectWorkflowStatus, new { WorkflowId = workflowId }, cancellationToken: cancellationToken));
                if (status is null)
                {
                    return new SignalDeliveryResult.WorkflowNotFound();
                }

                var existing = await connection.QuerySingleOrDefaultAsync<SignalRow>(new CommandDefinition(
                    SqliteSignalSql.SelectSignal, new { WorkflowId = workflowId, signal.Name }, cancellationToken: cancellationToken));
                if (existing is not null)
                {
                    return new SignalDeliveryResult.AlreadyReceived(ToStoredSignal(existing));
                }

                var workflowStatus = StatusNames.ToWorkflowStatus(status);
                if (WorkflowTransitions.IsFinished(workflowStatus))
                {
                    return new SignalDeliveryResult.WorkflowFinished(workflowStatus);
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    SqliteSignalSql.InsertSignal,
                    new
                    {
                        WorkflowId = workflowId,
                        signal.Name,
                        signal.Payload,
                        IdempotencyKey = signal.Key?.Key,
                        RequestFingerprint = signal.Key?.RequestFingerprint,
                        ReceivedAt = receivedAt,
                    },
                    cancellationToken: cancellationToken));
                var woke = await connection.ExecuteAsync(new CommandDefinition(
                    SqliteSignalSql.WakeWaitingTask,
                    new { WorkflowId = workflowId, signal.StepIndex, Now = receivedAt },
                    cancellationToken: cancellationToken)) == 1;
                database.Append(transaction, [SignalLog.Received(signal.WorkflowId, signal.Name, signal.Key?.Key, signal.ReceivedAt)]);
                await transaction.CommitAsync(cancellationToken);
                return new SignalDeliveryResult.Delivered(
                    new StoredSignal(signal.WorkflowId, signal.Name, signal.Payload, signal.Key?.Key, signal.Key?.RequestFingerprint,
                        SqliteTime.Kept(signal.ReceivedAt)),
                    woke);
            },
            cancellationToken);
    }

    public Task<SignalAwaitResult> AwaitAsync(SignalAwait wait, CancellationToken cancellationToken)
    {
        var task = wait.Task;
        var parameters = new
        {
            TaskId = task.Id.Value,
            Owner = task.LeaseOwner,
            task.Attempt,
            WorkflowId = SqliteIds.ToDatabase(task.WorkflowId),
            Name = wait.SignalName,
            TimeoutAt = SqliteTime.ToDatabase(wait.TimeoutAt),
            Now = SqliteTime.ToDatabase(wait.Now),
        };
        return database.WriteAsync<SignalAwaitResult>(
            async (connection, transaction) =>
            {
                if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                        SqliteSignalSql.CountHeldTask, parameters, cancellationToken: cancellationToken)) != 1)
                {
                    return new SignalAwaitResult.NotHeld();
                }

                var stored = await connection.QuerySingleOrDefaultAsync<SignalRow>(new CommandDefinition(
                    SqliteSignalSql.SelectSignal, parameters, cancellationToken: cancellationToken));
                if (stored is not null)
                {
                    return new SignalAwaitResult.Arrived(stored.Payload);
                }

                if (await connection.ExecuteAsync(new CommandDefinition(
                        SqliteSignalSql.ParkTask, parameters, cancellationToken: cancellationToken)) != 1)
                {
                    throw new InvalidOperationException(
                        $"Task {task.Id} changed between reading and parking it in one transaction; nothing was changed.");
                }

                database.Append(transaction, [SignalLog.Waiting(task.Subject, wait.SignalName, wait.TimeoutAt, wait.Now)]);
                await transaction.CommitAsync(cancellationToken);
                return new SignalAwaitResult.Parked();
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<string>> FailTimedOutAsync(DateTimeOffset now, int maxTasks, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTasks);
        var storedNow = SqliteTime.ToDatabase(now);
        return database.WriteAsync<IReadOnlyList<string>>(
            async (connection, transaction) =>
            {
                var timedOut = (await connection.QueryAsync<TimedOutTaskRow>(new CommandDefinition(
                    SqliteSignalSql.SelectTimedOutTasks,
                    new { Now = storedNow, MaxTasks = maxTasks },
                    cancellationToken: cancellationToken))).AsList();
                if (timedOut.Count == 0)
                {
                    return [];
                }

                var activity = new List<NewActivity>();
                foreach (var task in timedOut)
                {
                    var workflowId = SqliteIds.FromDatabase(task.WorkflowInstanceId);
                    var failed = await connection.ExecuteAsync(new CommandDefinition(
                        SqliteSignalSql.FailTimedOutTask,
                        new { TaskId = task.Id, Error = TaskTransitions.SignalTimeoutError, Now = storedNow },
                        cancellationToken: cancellationToken));
                    var workflowFailed = await connection.ExecuteAsync(new CommandDefinition(
                        SqliteTaskQueueSql.FailWorkflow,
                        new { WorkflowId = task.WorkflowInstanceId, Now = storedNow },
                        cancellationToken: cancellationToken));
                    if (failed != 1 || workflowFailed != 1)
                    {
                        throw new InvalidOperationException(
                            $"Task {task.Id} or its workflow changed between reading and failing it in one transaction; nothing was changed.");
                    }

                    activity.AddRange(TransitionLog.SignalTimedOut(
                        new ActivitySubject(workflowId, new TaskId(task.Id), task.TaskName, (int)task.Attempt),
                        task.WorkflowName,
                        TaskTransitions.SignalTimeoutError,
                        now));
                }

                database.Append(transaction, activity);
                await transaction.CommitAsync(cancellationToken);
                return [.. timedOut.Select(task => task.WorkflowName)];
            },
            cancellationToken);
    }

    private static StoredSignal ToStoredSignal(SignalRow row) => new(
        SqliteIds.FromDatabase(row.WorkflowInstanceId),
        row.Name,
        row.Payload,
        row.IdempotencyKey,
        row.RequestFingerprint,
        SqliteTime.FromDatabase(row.ReceivedAt));
}
