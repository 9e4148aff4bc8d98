using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// An operator's changes, cancel and retry, each guarded by the workflow's status (the domain's transition table), and
/// the retention sweep (<see cref="IWorkflowRetention"/>).
/// </summary>
internal sealed partial class SqliteWorkflowRepository
{
    public Task<WorkflowChangeResult> CancelAsync(WorkflowId id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new { Id = SqliteIds.ToDatabase(id), Now = SqliteTime.ToDatabase(now) };
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                // Tasks, then the workflow, as in MySQL; under the write lock nothing can come between them.
                await connection.ExecuteAsync(new CommandDefinition(
                    SqliteWorkflowSql.CancelTasks, parameters, cancellationToken: cancellationToken));
                var cancelled = await connection.ExecuteAsync(new CommandDefinition(
                    SqliteWorkflowSql.CancelWorkflow, parameters, cancellationToken: cancellationToken));
                var workflow = await connection.QuerySingleOrDefaultAsync<WorkflowStateRow>(new CommandDefinition(
                    SqliteWorkflowSql.SelectWorkflowState, parameters, cancellationToken: cancellationToken));
                if (cancelled == 0)
                {
                    // Finished first (or never existed): returning uncommitted rolls back whatever the task update matched.
                    return Unchanged(workflow);
                }

                database.Append(transaction, [.. WorkflowTransitions.Cancel.Log(id, workflow!.WorkflowName, now)]);
                await transaction.CommitAsync(cancellationToken);
                return new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowTransitions.Cancel.To);
            },
            cancellationToken);
    }

    public Task<WorkflowChangeResult> RetryAsync(WorkflowRetry retry, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(retry.FreshAttempts);
        var parameters = new
        {
            Id = SqliteIds.ToDatabase(retry.Id),
            retry.StepIndex,
            retry.FreshAttempts,
            Now = SqliteTime.ToDatabase(retry.Now),
            DueAt = SqliteTime.ToDatabase(retry.DueAt),
        };
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                // The task, then the workflow, as in MySQL; each update guarded by the status it requires and checked.
                var workflow = await connection.QuerySingleOrDefaultAsync<WorkflowStateRow>(new CommandDefinition(
                    SqliteWorkflowSql.SelectWorkflowState, parameters, cancellationToken: cancellationToken));
                if (workflow is null
                    || await connection.ExecuteAsync(new CommandDefinition(
                        SqliteWorkflowSql.RetryTask, parameters, cancellationToken: cancellationToken)) == 0
                    || await connection.ExecuteAsync(new CommandDefinition(
                        SqliteWorkflowSql.RetryWorkflow, parameters, cancellationToken: cancellationToken)) == 0)
                {
                    // Returning uncommitted rolls back the task's update if the workflow's found no row.
                    return Unchanged(workflow);
                }

                database.Append(transaction, [.. WorkflowTransitions.Retry.Log(retry.Id, workflow.WorkflowName, retry.Now)]);
                await transaction.CommitAsync(cancellationToken);
                return new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowTransitions.Retry.To);
            },
            cancellationToken);
    }

    public Task<int> DeleteFinishedAsync(DateTimeOffset finishedBefore, int maxWorkflows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxWorkflows);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var ids = (await connection.QueryAsync<string>(new CommandDefinition(
                    SqliteRetentionSql.SelectFinishedWorkflows,
                    new { FinishedBefore = SqliteTime.ToDatabase(finishedBefore), MaxWorkflows = maxWorkflows },
                    cancellationToken: cancellationToken))).ToArray();
                if (ids.Length == 0)
                {
                    return 0;
                }

                var deleted = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    SqliteRetentionSql.DeleteWorkflows, new { Ids = ids }, cancellationToken: cancellationToken));
                if (deleted != ids.Length)
                {
                    // Cannot happen while this transaction holds the write lock.
                    throw new InvalidOperationException(
                        $"The retention sweep read {ids.Length} finished workflows but could delete only {deleted}; nothing was deleted.");
                }

                await transaction.CommitAsync(cancellationToken);
                return ids.Length;
            },
            cancellationToken);
    }

    /// <summary>NotFound when the workflow does not exist, else Conflict with the status it has.</summary>
    private static WorkflowChangeResult Unchanged(WorkflowStateRow? workflow) =>
        workflow is null
            ? new WorkflowChangeResult(WorkflowChangeOutcome.NotFound, null)
            : new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, StatusNames.ToWorkflowStatus(workflow.Status));
}
