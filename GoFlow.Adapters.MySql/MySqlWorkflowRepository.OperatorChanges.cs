using System.Data;
using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql;

/// <summary>An operator's changes: cancel and retry, each guarded by the workflow's status (the domain's transition table).</summary>
internal sealed partial class MySqlWorkflowRepository
{
    public Task<WorkflowChangeResult> CancelAsync(WorkflowId id, DateTimeOffset now, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            var parameters = new { Id = id.Value, Now = MySqlTime.ToDatabase(now) };
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            await connection.ExecuteAsync(new CommandDefinition(
                MySqlWorkflowSql.CancelTasks, parameters, transaction, cancellationToken: cancellationToken));

            WorkflowStateRow? workflow;
            await using (var results = await connection.QueryMultipleAsync(new CommandDefinition(
                MySqlWorkflowSql.CancelWorkflowAndSelect, parameters, transaction, cancellationToken: cancellationToken)))
            {
                var cancelled = await results.ReadSingleAsync<long>();
                workflow = await results.ReadSingleOrDefaultAsync<WorkflowStateRow>();
                if (cancelled == 0)
                {
                    // Finished first (or never existed): whatever the task update matched is undone with it.
                    await transaction.RollbackAsync(cancellationToken);
                    return Unchanged(workflow);
                }
            }

            await ActivityLog.AppendAsync(
                transaction,
                [.. WorkflowTransitions.Cancel.Log(id, workflow!.WorkflowName, now)],
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowTransitions.Cancel.To);
        });

    public Task<WorkflowChangeResult> RetryAsync(WorkflowRetry retry, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(retry.FreshAttempts);
            var parameters = new
            {
                Id = retry.Id.Value,
                retry.StepIndex,
                retry.FreshAttempts,
                Now = MySqlTime.ToDatabase(retry.Now),
                DueAt = MySqlTime.ToDatabase(retry.DueAt),
            };
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            // Tasks, then the workflow, both locked before either is changed (see MySqlWorkflowSql.LockTasksAndWorkflow); then the
            // guarded updates, each checked.
            WorkflowStateRow? workflow;
            await using (var locked = await connection.QueryMultipleAsync(new CommandDefinition(
                MySqlWorkflowSql.LockTasksAndWorkflow, parameters, transaction, cancellationToken: cancellationToken)))
            {
                await locked.ReadAsync<long>();
                workflow = await locked.ReadSingleOrDefaultAsync<WorkflowStateRow>();
            }

            if (workflow is null
                || await connection.ExecuteAsync(new CommandDefinition(
                    MySqlWorkflowSql.RetryTask, parameters, transaction, cancellationToken: cancellationToken)) == 0
                || await connection.ExecuteAsync(new CommandDefinition(
                    MySqlWorkflowSql.RetryWorkflow, parameters, transaction, cancellationToken: cancellationToken)) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return Unchanged(workflow);
            }

            await ActivityLog.AppendAsync(
                transaction,
                [.. WorkflowTransitions.Retry.Log(retry.Id, workflow.WorkflowName, retry.Now)],
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowTransitions.Retry.To);
        });

    /// <summary>NotFound when the workflow does not exist, else Conflict with the status it has.</summary>
    private static WorkflowChangeResult Unchanged(WorkflowStateRow? workflow) =>
        workflow is null
            ? new WorkflowChangeResult(WorkflowChangeOutcome.NotFound, null)
            : new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, StatusNames.ToWorkflowStatus(workflow.Status));
}
