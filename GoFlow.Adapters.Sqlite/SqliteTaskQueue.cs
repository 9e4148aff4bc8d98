using System.Data;
using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Sqlite;

/// <remarks>
/// Every method is one write transaction begun with BEGIN IMMEDIATE (<see cref="SqliteDatabase.WriteAsync"/>): it holds
/// the file's only write lock from its first statement to its commit, which is what makes the claim exclusive without
/// SKIP LOCKED and the guarded updates race-free. Each guarded update's row count is checked; 0 rows rolls back.
/// </remarks>
internal sealed partial class SqliteTaskQueue(SqliteDatabase database) : ITaskQueue
{
    public Task<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimRequest claim, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(claim.MaxTasks);
        var now = SqliteTime.ToDatabase(claim.Now);

        return database.WriteAsync<IReadOnlyList<ClaimedTask>>(
            async (connection, transaction) =>
            {
                var candidates = (await connection.QueryAsync<ClaimCandidateRow>(new CommandDefinition(
                    SqliteTaskQueueSql.SelectClaimCandidates,
                    new { Now = now, claim.MaxTasks },
                    transaction,
                    cancellationToken: cancellationToken))).AsList();
                if (candidates.Count == 0)
                {
                    return [];
                }

                var taskIds = candidates.Select(candidate => candidate.Id).ToArray();
                var marked = await connection.ExecuteAsync(new CommandDefinition(
                    SqliteTaskQueueSql.MarkTasksRunning,
                    new { TaskIds = taskIds, claim.Owner, LeaseExpiresAt = SqliteTime.ToDatabase(claim.LeaseExpiresAt), Now = now },
                    transaction,
                    cancellationToken: cancellationToken));
                if (marked != taskIds.Length)
                {
                    // Cannot happen while this transaction holds the write lock; if it does, claim nothing rather than
                    // hand out tasks whose state is not what was read.
                    throw new InvalidOperationException(
                        $"Claimed {marked} of {taskIds.Length} PENDING tasks read in the same transaction; nothing was changed.");
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    SqliteTaskQueueSql.StartWorkflows,
                    new { WorkflowIds = candidates.Select(candidate => candidate.WorkflowInstanceId).Distinct().ToArray(), Now = now },
                    transaction,
                    cancellationToken: cancellationToken));

                // Read back rather than rebuild: the stored attempt and lease are what later writes are guarded by.
                var claimed = (await connection.QueryAsync<ClaimedTaskRow>(new CommandDefinition(
                    SqliteTaskQueueSql.SelectClaimedTasks,
                    new { TaskIds = taskIds, claim.Owner },
                    transaction,
                    cancellationToken: cancellationToken))).Select(ToClaimedTask).ToList();

                await ActivityLog.AppendAsync(
                    transaction,
                    [.. claimed.SelectMany(task => TaskTransitions.Claim.Log(task.Subject, claim.Now))],
                    cancellationToken);

                await transaction.CommitAsync(cancellationToken);
                return claimed;
            },
            cancellationToken);
    }

    public Task<bool> FailAsync(TaskFailure failure, CancellationToken cancellationToken) =>
        failure.RetryAt is { } retryAt
            ? ScheduleRetryAsync(failure, retryAt, cancellationToken)
            : FailForGoodAsync(failure, cancellationToken);

    public Task<IReadOnlyList<TaskId>> RenewLeasesAsync(LeaseRenewal renewal, CancellationToken cancellationToken)
    {
        if (renewal.Tasks.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<TaskId>>([]);
        }

        var now = SqliteTime.ToDatabase(renewal.Now);
        var leaseExpiresAt = SqliteTime.ToDatabase(renewal.LeaseExpiresAt);

        return database.WriteAsync<IReadOnlyList<TaskId>>(
            async (connection, transaction) =>
            {
                // One guarded update per task, each a call into the library in this process rather than a round trip;
                // its row count says whether that claim is still held.
                var renewed = new List<TaskId>();
                foreach (var held in renewal.Tasks)
                {
                    var updated = await connection.ExecuteAsync(new CommandDefinition(
                        SqliteTaskQueueSql.RenewLease,
                        new { TaskId = held.Id.Value, renewal.Owner, held.Attempt, LeaseExpiresAt = leaseExpiresAt, Now = now },
                        transaction,
                        cancellationToken: cancellationToken));
                    if (updated == 1)
                    {
                        renewed.Add(held.Id);
                    }
                }

                await transaction.CommitAsync(cancellationToken);
                return renewed;
            },
            cancellationToken);
    }

    public Task<bool> ReleaseAsync(ClaimedTask task, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                var held = await connection.ExecuteAsync(new CommandDefinition(
                    SqliteTaskQueueSql.ReleaseTask,
                    new { TaskId = task.Id.Value, Owner = task.LeaseOwner, task.Attempt, Now = SqliteTime.ToDatabase(now) },
                    transaction,
                    cancellationToken: cancellationToken));
                if (held == 0)
                {
                    return false;
                }

                await ActivityLog.AppendAsync(
                    transaction,
                    [.. TaskTransitions.Release.Log(task.Subject, now)],
                    cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return true;
            },
            cancellationToken);

    private Task<bool> ScheduleRetryAsync(TaskFailure failure, DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        var task = failure.Task;
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var held = await connection.ExecuteAsync(new CommandDefinition(
                    SqliteTaskQueueSql.ScheduleRetry,
                    new
                    {
                        TaskId = task.Id.Value,
                        failure.Error,
                        RetryAt = SqliteTime.ToDatabase(retryAt),
                        Owner = task.LeaseOwner,
                        task.Attempt,
                        Now = SqliteTime.ToDatabase(failure.Now),
                    },
                    transaction,
                    cancellationToken: cancellationToken));
                if (held == 0)
                {
                    return false;
                }

                await ActivityLog.AppendAsync(
                    transaction,
                    [.. TransitionLog.Failed(task.Subject, task.WorkflowName, failure.Error, retryAt, failure.Now)],
                    cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return true;
            },
            cancellationToken);
    }

    private Task<bool> FailForGoodAsync(TaskFailure failure, CancellationToken cancellationToken)
    {
        var task = failure.Task;
        var now = SqliteTime.ToDatabase(failure.Now);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var held = await connection.ExecuteAsync(new CommandDefinition(
                    SqliteTaskQueueSql.FailTask,
                    new { TaskId = task.Id.Value, failure.Error, Owner = task.LeaseOwner, task.Attempt, Now = now },
                    transaction,
                    cancellationToken: cancellationToken));
                if (held == 0)
                {
                    return false;
                }

                await UpdateRunningWorkflowAsync(
                    transaction, SqliteTaskQueueSql.FailWorkflow, task.WorkflowId, currentInput: null, now, cancellationToken);
                await ActivityLog.AppendAsync(
                    transaction,
                    [.. TransitionLog.Failed(task.Subject, task.WorkflowName, failure.Error, retryAt: null, failure.Now)],
                    cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return true;
            },
            cancellationToken);
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
        string now,
        CancellationToken cancellationToken)
    {
        var updated = await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            sql,
            new { WorkflowId = SqliteIds.ToDatabase(workflowId), CurrentInput = currentInput, Now = now },
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
        SqliteIds.FromDatabase(row.WorkflowInstanceId),
        row.WorkflowName,
        (int)row.StepIndex,
        row.TaskName,
        row.InputPayload,
        (int)row.Attempt,
        (int)row.MaxAttempts,
        row.LeaseOwner,
        SqliteTime.FromDatabase(row.LeaseExpiresAt),
        SqliteTime.FromDatabase(row.ScheduledAt),
        row.TraceParent);
}
