using System.Data;
using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <remarks>
/// Each method is one READ COMMITTED transaction in the lock order of <see cref="MySqlSignalSql"/>; every guarded
/// update's row count is checked.
/// </remarks>
internal sealed class MySqlSignalInbox(MySqlDataSource dataSource) : ISignalInbox
{
    public Task<SignalDeliveryResult> DeliverAsync(NewSignal signal, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync<SignalDeliveryResult>(async () =>
        {
            var parameters = new
            {
                Id = signal.WorkflowId.Value,
                WorkflowId = signal.WorkflowId.Value,
                signal.Name,
                signal.StepIndex,
                signal.Payload,
                IdempotencyKey = signal.Key?.Key,
                RequestFingerprint = signal.Key?.RequestFingerprint,
                ReceivedAt = MySqlTime.ToDatabase(signal.ReceivedAt),
                Now = MySqlTime.ToDatabase(signal.ReceivedAt),
            };
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            WorkflowStateRow? workflow;
            await using (var locked = await connection.QueryMultipleAsync(new CommandDefinition(
                MySqlWorkflowSql.LockTasksAndWorkflow, parameters, transaction, cancellationToken: cancellationToken)))
            {
                _ = await locked.ReadAsync<long>();
                workflow = await locked.ReadSingleOrDefaultAsync<WorkflowStateRow>();
            }

            if (workflow is null)
            {
                return new SignalDeliveryResult.WorkflowNotFound();
            }

            var existing = await connection.QuerySingleOrDefaultAsync<SignalRow>(new CommandDefinition(
                MySqlSignalSql.SelectSignalForUpdate, parameters, transaction, cancellationToken: cancellationToken));
            if (existing is not null)
            {
                return new SignalDeliveryResult.AlreadyReceived(ToStoredSignal(existing));
            }

            var status = StatusNames.ToWorkflowStatus(workflow.Status);
            if (WorkflowTransitions.IsFinished(status))
            {
                return new SignalDeliveryResult.WorkflowFinished(status);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                MySqlSignalSql.InsertSignal, parameters, transaction, cancellationToken: cancellationToken));
            var woke = await connection.ExecuteAsync(new CommandDefinition(
                MySqlSignalSql.WakeWaitingTask, parameters, transaction, cancellationToken: cancellationToken)) == 1;
            await ActivityLog.AppendAsync(
                transaction, [SignalLog.Received(signal.WorkflowId, signal.Name, signal.Key?.Key, signal.ReceivedAt)], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new SignalDeliveryResult.Delivered(
                new StoredSignal(signal.WorkflowId, signal.Name, signal.Payload, signal.Key?.Key, signal.Key?.RequestFingerprint,
                    MySqlTime.Kept(signal.ReceivedAt)),
                woke);
        });

    public Task<SignalAwaitResult> AwaitAsync(SignalAwait wait, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync<SignalAwaitResult>(async () =>
        {
            var task = wait.Task;
            var parameters = new
            {
                TaskId = task.Id.Value,
                Owner = task.LeaseOwner,
                task.Attempt,
                WorkflowId = task.WorkflowId.Value,
                Name = wait.SignalName,
                TimeoutAt = MySqlTime.ToDatabase(wait.TimeoutAt),
                Now = MySqlTime.ToDatabase(wait.Now),
            };
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            var held = await connection.QueryAsync<long>(new CommandDefinition(
                MySqlSignalSql.LockHeldTask, parameters, transaction, cancellationToken: cancellationToken));
            if (!held.Any())
            {
                return new SignalAwaitResult.NotHeld();
            }

            var stored = await connection.QuerySingleOrDefaultAsync<SignalRow>(new CommandDefinition(
                MySqlSignalSql.SelectSignalForUpdate, parameters, transaction, cancellationToken: cancellationToken));
            if (stored is not null)
            {
                await transaction.CommitAsync(cancellationToken);
                return new SignalAwaitResult.Arrived(stored.Payload);
            }

            if (await connection.ExecuteAsync(new CommandDefinition(
                    MySqlSignalSql.ParkTask, parameters, transaction, cancellationToken: cancellationToken)) != 1)
            {
                throw new InvalidOperationException(
                    $"Task {task.Id} changed between locking and parking it in one transaction; nothing was changed.");
            }

            await ActivityLog.AppendAsync(
                transaction, [SignalLog.Waiting(task.Subject, wait.SignalName, wait.TimeoutAt, wait.Now)], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new SignalAwaitResult.Parked();
        });

    public Task<IReadOnlyList<string>> FailTimedOutAsync(DateTimeOffset now, int maxTasks, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync<IReadOnlyList<string>>(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTasks);
            var databaseNow = MySqlTime.ToDatabase(now);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            var timedOut = (await connection.QueryAsync<TimedOutTaskRow>(new CommandDefinition(
                MySqlSignalSql.SelectTimedOutTasks,
                new { Now = databaseNow, MaxTasks = maxTasks },
                transaction,
                cancellationToken: cancellationToken))).AsList();
            if (timedOut.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return [];
            }

            var failed = await connection.ExecuteAsync(new CommandDefinition(
                MySqlSignalSql.FailTimedOutTasks,
                new { TaskIds = timedOut.Select(task => task.Id).ToArray(), Error = TaskTransitions.SignalTimeoutError, Now = databaseNow },
                transaction,
                cancellationToken: cancellationToken));
            var workflowIds = timedOut.Select(task => task.WorkflowInstanceId).Distinct().ToArray();
            IReadOnlyList<WorkflowNameRow> workflows;
            await using (var results = await connection.QueryMultipleAsync(new CommandDefinition(
                MySqlTaskQueueSql.FailWorkflowsAndSelectNames,
                new { WorkflowIds = workflowIds, Now = databaseNow },
                transaction,
                cancellationToken: cancellationToken)))
            {
                var workflowsFailed = await results.ReadSingleAsync<long>();
                workflows = [.. await results.ReadAsync<WorkflowNameRow>()];
                if (failed != timedOut.Count || workflowsFailed != workflowIds.Length)
                {
                    // The rows are locked by the read above, and a waiting task's workflow is RUNNING: a broken invariant.
                    throw new InvalidOperationException(
                        $"The signal timeout sweep locked {timedOut.Count} waiting tasks of {workflowIds.Length} workflows but " +
                        $"failed {failed} and {workflowsFailed}; nothing was changed.");
                }
            }

            var names = workflows.ToDictionary(row => row.Id, row => row.WorkflowName);
            var activity = timedOut.SelectMany(task => TransitionLog.SignalTimedOut(
                    new ActivitySubject(new WorkflowId(task.WorkflowInstanceId), new TaskId(task.Id), task.TaskName, task.Attempt),
                    names[task.WorkflowInstanceId],
                    TaskTransitions.SignalTimeoutError,
                    now))
                .ToList();
            await ActivityLog.AppendAsync(transaction, activity, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return [.. timedOut.Select(task => names[task.WorkflowInstanceId])];
        });

    private static StoredSignal ToStoredSignal(SignalRow row) => new(
        new WorkflowId(row.WorkflowInstanceId),
        row.Name,
        row.Payload,
        row.IdempotencyKey,
        row.RequestFingerprint,
        MySqlTime.FromDatabase(row.ReceivedAt));
}
