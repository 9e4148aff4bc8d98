using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Sqlite;

/// <summary>The lease sweep: tasks whose holder stopped renewing their lease are taken back.</summary>
internal sealed partial class SqliteTaskQueue
{
    public Task<RecoveredLeases> RecoverExpiredLeasesAsync(DateTimeOffset now, int maxTasks, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTasks);
        var storedNow = SqliteTime.ToDatabase(now);

        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var expired = (await connection.QueryAsync<ExpiredLeaseRow>(new CommandDefinition(
                    SqliteTaskQueueSql.SelectExpiredLeases,
                    new { Now = storedNow, MaxTasks = maxTasks },
                    cancellationToken: cancellationToken))).AsList();

                var activity = new List<NewActivity>();
                var failedWorkflows = new List<string>();
                foreach (var task in expired)
                {
                    var workflowId = SqliteIds.FromDatabase(task.WorkflowInstanceId);
                    var taskId = new TaskId(task.Id);
                    var hasAttemptsLeft = TaskTransitions.HasAttemptsLeft((int)task.Attempt, (int)task.MaxAttempts);
                    var updated = await connection.ExecuteAsync(new CommandDefinition(
                        hasAttemptsLeft ? SqliteTaskQueueSql.ExpireLeaseForRetry : SqliteTaskQueueSql.ExpireLeaseForGood,
                        new { TaskId = task.Id, task.Attempt, Error = TaskTransitions.LeaseExpiredError, Now = storedNow },
                        cancellationToken: cancellationToken));
                    if (updated != 1)
                    {
                        throw new InvalidOperationException(
                            $"Task {task.Id} changed between reading and expiring its lease in one transaction; nothing was changed.");
                    }

                    activity.AddRange(TransitionLog.LeaseExpired(
                        new ActivitySubject(workflowId, taskId, task.TaskName, (int)task.Attempt), hasAttemptsLeft, now));
                    if (!hasAttemptsLeft)
                    {
                        UpdateRunningWorkflow(transaction, SqliteTaskQueueSql.FailWorkflow, workflowId, currentInput: null, storedNow);
                        activity.AddRange(WorkflowTransitions.Fail.Log(workflowId, task.WorkflowName, now));
                        failedWorkflows.Add(task.WorkflowName);
                    }
                }

                database.Append(transaction, activity);
                await transaction.CommitAsync(cancellationToken);
                return new RecoveredLeases(expired.Count, failedWorkflows);
            },
            cancellationToken);
    }
}
