using System.Data;
using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <remarks>
/// Transactions run at READ COMMITTED: the claim's locking read then locks only the rows it returns, not the gaps
/// between index entries, so it never blocks a concurrent insert of a new PENDING task. Every transaction touches
/// tasks, then workflow_instances, then activity_logs (see <see cref="MySqlSql"/>).
/// </remarks>
internal sealed class MySqlTaskQueue(MySqlDataSource dataSource) : ITaskQueue
{
    public async Task<IReadOnlyList<ClaimedTask>> ClaimAsync(TaskClaim claim, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(claim.MaxTasks);
        var now = MySqlTime.ToDatabase(claim.Now);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction =
            await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        var candidates = (await connection.QueryAsync<ClaimCandidateRow>(new CommandDefinition(
            MySqlSql.SelectClaimCandidates,
            new { Now = now, claim.MaxTasks },
            transaction,
            cancellationToken: cancellationToken))).AsList();
        if (candidates.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return [];
        }

        var taskIds = candidates.Select(candidate => candidate.Id).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(
            MySqlSql.MarkTasksRunning,
            new { TaskIds = taskIds, claim.Owner, LeaseExpiresAt = MySqlTime.ToDatabase(claim.LeaseExpiresAt), Now = now },
            transaction,
            cancellationToken: cancellationToken));

        await connection.ExecuteAsync(new CommandDefinition(
            MySqlSql.StartWorkflows,
            new { WorkflowIds = candidates.Select(candidate => candidate.WorkflowInstanceId).Distinct().ToArray(), Now = now },
            transaction,
            cancellationToken: cancellationToken));

        // Read back rather than rebuild: the stored attempt and lease are what later writes are guarded by.
        var claimed = (await connection.QueryAsync<ClaimedTaskRow>(new CommandDefinition(
            MySqlSql.SelectClaimedTasks,
            new { TaskIds = taskIds, claim.Owner },
            transaction,
            cancellationToken: cancellationToken))).Select(ToClaimedTask).ToList();

        await ActivityLog.AppendAsync(
            transaction,
            [.. claimed.Select(task => new NewActivity(
                task.WorkflowId,
                task.Id,
                ActivityAction.TaskStarted,
                ActivityDetails.ForTask(task.TaskName, task.Attempt),
                claim.Now))],
            cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    public async Task<bool> CompleteAsync(TaskCompletion completion, CancellationToken cancellationToken)
    {
        var task = completion.Task;
        var now = MySqlTime.ToDatabase(completion.Now);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction =
            await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        var held = await connection.ExecuteAsync(new CommandDefinition(
            MySqlSql.CompleteTask,
            new { TaskId = task.Id.Value, completion.OutputPayload, Owner = task.LeaseOwner, task.Attempt, Now = now },
            transaction,
            cancellationToken: cancellationToken));
        if (held == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        var activity = new List<NewActivity>
        {
            new(task.WorkflowId, task.Id, ActivityAction.TaskCompleted, ActivityDetails.ForTask(task.TaskName, task.Attempt), completion.Now),
        };

        if (completion.NextStep is { } next)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                MySqlSql.InsertTask,
                new
                {
                    WorkflowId = task.WorkflowId.Value,
                    StepIndex = next.Index,
                    next.TaskName,
                    Status = StatusNames.Pending,
                    Attempt = 0,
                    InputPayload = completion.OutputPayload,
                    ScheduledAt = now,
                    CreatedAt = now,
                    UpdatedAt = now,
                },
                transaction,
                cancellationToken: cancellationToken));
            await UpdateRunningWorkflowAsync(
                transaction, MySqlSql.AdvanceWorkflow, task.WorkflowId, completion.OutputPayload, now, cancellationToken);
        }
        else
        {
            await UpdateRunningWorkflowAsync(
                transaction, MySqlSql.CompleteWorkflow, task.WorkflowId, completion.OutputPayload, now, cancellationToken);
            activity.Add(new(
                task.WorkflowId, null, ActivityAction.WorkflowCompleted, ActivityDetails.ForWorkflow(task.WorkflowName), completion.Now));
        }

        await ActivityLog.AppendAsync(transaction, activity, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> FailAsync(TaskFailure failure, CancellationToken cancellationToken)
    {
        var task = failure.Task;
        var now = MySqlTime.ToDatabase(failure.Now);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction =
            await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        var held = await connection.ExecuteAsync(new CommandDefinition(
            MySqlSql.FailTask,
            new { TaskId = task.Id.Value, failure.Error, Owner = task.LeaseOwner, task.Attempt, Now = now },
            transaction,
            cancellationToken: cancellationToken));
        if (held == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await UpdateRunningWorkflowAsync(
            transaction, MySqlSql.FailWorkflow, task.WorkflowId, currentInput: null, now, cancellationToken);
        await ActivityLog.AppendAsync(
            transaction,
            [
                new(task.WorkflowId, task.Id, ActivityAction.TaskFailed, ActivityDetails.ForTask(task.TaskName, task.Attempt, failure.Error), failure.Now),
                new(task.WorkflowId, null, ActivityAction.WorkflowFailed, ActivityDetails.ForWorkflow(task.WorkflowName), failure.Now),
            ],
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Runs one of the workflow updates that expect a RUNNING workflow. A held task's workflow is always RUNNING, so
    /// finding it otherwise is a broken invariant: throwing rolls the whole transaction back.
    /// </summary>
    private static async Task UpdateRunningWorkflowAsync(
        IDbTransaction transaction,
        string sql,
        WorkflowId workflowId,
        string? currentInput,
        DateTime now,
        CancellationToken cancellationToken)
    {
        var updated = await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            sql,
            new { WorkflowId = workflowId.Value, CurrentInput = currentInput, Now = now },
            transaction,
            cancellationToken: cancellationToken));
        if (updated != 1)
        {
            throw new InvalidOperationException(
                $"Workflow {workflowId} is not {StatusNames.Running} although one of its tasks was held; nothing was changed.");
        }
    }

    private static ClaimedTask ToClaimedTask(ClaimedTaskRow row) => new(
        new TaskId(row.Id),
        new WorkflowId(row.WorkflowInstanceId),
        row.WorkflowName,
        row.StepIndex,
        row.TaskName,
        row.InputPayload,
        row.Attempt,
        row.LeaseOwner,
        MySqlTime.FromDatabase(row.LeaseExpiresAt));
}
