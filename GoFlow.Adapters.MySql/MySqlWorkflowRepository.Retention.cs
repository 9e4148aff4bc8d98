using System.Data;
using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql;

/// <summary>The retention sweep (<see cref="IWorkflowRetention"/>): finished workflows past the retention age are deleted.</summary>
internal sealed partial class MySqlWorkflowRepository
{
    public Task<int> DeleteFinishedAsync(DateTimeOffset finishedBefore, int maxWorkflows, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxWorkflows);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            var ids = (await connection.QueryAsync<Guid>(new CommandDefinition(
                MySqlRetentionSql.SelectFinishedWorkflows,
                new { FinishedBefore = MySqlTime.ToDatabase(finishedBefore), MaxWorkflows = maxWorkflows },
                transaction,
                cancellationToken: cancellationToken))).ToArray();
            if (ids.Length == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return 0;
            }

            // Only workflows whose every task and activity row this transaction could lock are deleted; the others are
            // being cancelled or retried right now, and left for a later sweep.
            List<ChildRow> tasks, activity;
            Dictionary<Guid, long> taskCounts, activityCounts;
            await using (var children = await connection.QueryMultipleAsync(new CommandDefinition(
                MySqlRetentionSql.LockChildRows, new { Ids = ids }, transaction, cancellationToken: cancellationToken)))
            {
                tasks = (await children.ReadAsync<ChildRow>()).AsList();
                taskCounts = (await children.ReadAsync<ChildCountRow>()).ToDictionary(row => row.WorkflowInstanceId, row => row.Total);
                activity = (await children.ReadAsync<ChildRow>()).AsList();
                activityCounts = (await children.ReadAsync<ChildCountRow>()).ToDictionary(row => row.WorkflowInstanceId, row => row.Total);
            }

            var whole = ids
                .Where(id => LockedAll(tasks, taskCounts, id) && LockedAll(activity, activityCounts, id))
                .ToHashSet();
            if (whole.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return 0;
            }

            var activityIds = activity.Where(row => whole.Contains(row.WorkflowInstanceId)).Select(row => row.Id).ToList();
            var taskIds = tasks.Where(row => whole.Contains(row.WorkflowInstanceId)).Select(row => row.Id).ToList();
            var workflowIds = whole.ToList();
            var parameters = new BatchParameters(activityIds.Count + taskIds.Count + workflowIds.Count);
            parameters.AddEach("ActivityId", activityIds);
            parameters.AddEach("TaskId", taskIds);
            parameters.AddEach("WorkflowId", workflowIds);
            // Their signals first, uncounted: a finished workflow takes no more, so their number is what it was.
            await connection.ExecuteAsync(BatchStatement.Command(
                MySqlSignalSql.DeleteSignalsOf(workflowIds.Count), parameters, transaction, cancellationToken));
            var deleted = await connection.ExecuteAsync(BatchStatement.Command(
                MySqlRetentionSql.DeleteLockedRows(activityIds.Count, taskIds.Count, workflowIds.Count),
                parameters,
                transaction,
                cancellationToken));
            if (deleted != activityIds.Count + taskIds.Count + workflowIds.Count)
            {
                // The rows are locked by the reads above, so only a broken invariant gets here.
                throw new InvalidOperationException(
                    $"The retention sweep locked {workflowIds.Count} finished workflows with {taskIds.Count} tasks and " +
                    $"{activityIds.Count} activity rows but deleted {deleted} rows; nothing was deleted.");
            }

            await transaction.CommitAsync(cancellationToken);
            return whole.Count;
        });

    private static bool LockedAll(List<ChildRow> locked, Dictionary<Guid, long> counts, Guid workflowId) =>
        locked.Count(row => row.WorkflowInstanceId == workflowId) == counts.GetValueOrDefault(workflowId);
}
