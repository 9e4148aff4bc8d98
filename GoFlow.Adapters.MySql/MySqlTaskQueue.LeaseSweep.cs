using System.Data;
using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql;

/// <summary>The lease sweep: tasks whose holder stopped renewing their lease are taken back.</summary>
internal sealed partial class MySqlTaskQueue
{
    public Task<RecoveredLeases> RecoverExpiredLeasesAsync(DateTimeOffset now, int maxTasks, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTasks);
            var databaseNow = MySqlTime.ToDatabase(now);

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            var expired = (await connection.QueryAsync<ExpiredLeaseRow>(new CommandDefinition(
                MySqlTaskQueueSql.SelectExpiredLeases,
                new { Now = databaseNow, MaxTasks = maxTasks },
                transaction,
                cancellationToken: cancellationToken))).AsList();
            if (expired.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return RecoveredLeases.None;
            }

            var requeueIds = expired.Where(task => task.HasAttemptsLeft).Select(task => task.Id).ToArray();
            var failing = expired.Where(task => !task.HasAttemptsLeft).ToList();
            var statements = new List<string>();
            if (requeueIds.Length > 0)
            {
                statements.Add(MySqlTaskQueueSql.RequeueExpiredTasks);
            }

            if (failing.Count > 0)
            {
                statements.Add(MySqlTaskQueueSql.FailExpiredTasks);
            }

            var updated = await connection.ExecuteAsync(new CommandDefinition(
                string.Join(";\n", statements),
                new
                {
                    RequeueIds = requeueIds,
                    FailIds = failing.Select(task => task.Id).ToArray(),
                    Error = TaskTransitions.LeaseExpiredError,
                    Now = databaseNow,
                },
                transaction,
                cancellationToken: cancellationToken));
            if (updated != expired.Count)
            {
                // The rows are locked by the read above, so only a broken invariant gets here.
                throw new InvalidOperationException(
                    $"The lease sweep locked {expired.Count} expired tasks but could update only {updated}; nothing was changed.");
            }

            var activity = expired
                .SelectMany(task => ExpiryActivity(task, now))
                .ToList();
            var workflowsFailed = failing.Count > 0 ? await FailWorkflowsAsync(transaction, failing, now, cancellationToken) : [];
            activity.AddRange(workflowsFailed.SelectMany(row => WorkflowTransitions.Fail.Log(new WorkflowId(row.Id), row.WorkflowName, now)));

            await ActivityLog.AppendAsync(transaction, activity, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new RecoveredLeases(expired.Count, [.. workflowsFailed.Select(row => row.WorkflowName)]);
        });

    private static IEnumerable<NewActivity> ExpiryActivity(ExpiredLeaseRow task, DateTimeOffset now) =>
        TransitionLog.LeaseExpired(
            new ActivitySubject(new WorkflowId(task.WorkflowInstanceId), new TaskId(task.Id), task.TaskName, task.Attempt),
            task.HasAttemptsLeft,
            now);

    /// <summary>
    /// The workflows of tasks that expired on their last attempt become FAILED: one round trip for the update and the
    /// names their WORKFLOW_FAILED rows carry. Each is RUNNING, as its task was, or the invariant is broken.
    /// </summary>
    private static async Task<IReadOnlyList<WorkflowNameRow>> FailWorkflowsAsync(
        IDbTransaction transaction, IReadOnlyList<ExpiredLeaseRow> failing, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var workflowIds = failing.Select(task => task.WorkflowInstanceId).Distinct().ToArray();
        await using var results = await transaction.Connection!.QueryMultipleAsync(new CommandDefinition(
            MySqlTaskQueueSql.FailWorkflowsAndSelectNames,
            new { WorkflowIds = workflowIds, Now = MySqlTime.ToDatabase(now) },
            transaction,
            cancellationToken: cancellationToken));
        var failed = await results.ReadSingleAsync<long>();
        if (failed != workflowIds.Length)
        {
            throw new InvalidOperationException(
                $"{workflowIds.Length - failed} of the workflows whose task expired on its last attempt are not " +
                $"{StatusNames.Running}; nothing was changed.");
        }

        var names = await results.ReadAsync<WorkflowNameRow>();
        return [.. names];
    }
}
