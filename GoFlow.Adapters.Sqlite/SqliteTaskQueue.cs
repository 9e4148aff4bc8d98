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
internal sealed class SqliteTaskQueue(SqliteDatabase database) : ITaskQueue
{
    public Task<IReadOnlyList<ClaimedTask>> ClaimAsync(TaskClaim claim, CancellationToken cancellationToken)
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

    public Task<IReadOnlyList<RecordedCompletion>> CompleteAsync(
        IReadOnlyList<TaskCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (completions.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<RecordedCompletion>>([]);
        }

        var databaseNow = SqliteTime.ToDatabase(now);
        return database.WriteAsync<IReadOnlyList<RecordedCompletion>>(
            async (connection, transaction) =>
            {
                // One transaction, one commit (and one fsync) for the whole group; each completion's guarded update
                // tells whether its task is still held, and one that is not is passed over without touching the others.
                var recorded = new List<RecordedCompletion>();
                var activity = new List<NewActivity>();
                foreach (var completion in completions)
                {
                    var task = completion.Task;
                    var held = await connection.ExecuteAsync(new CommandDefinition(
                        SqliteTaskQueueSql.CompleteTask,
                        new { TaskId = task.Id.Value, completion.OutputPayload, Owner = task.LeaseOwner, task.Attempt, Now = databaseNow },
                        transaction,
                        cancellationToken: cancellationToken));
                    if (held == 0)
                    {
                        if (await WasCompletedByThisClaimAsync(transaction, task, cancellationToken))
                        {
                            // An earlier commit of this claim recorded it; only its acknowledgement was lost.
                            recorded.Add(new(completion, await RenewHandedOverTaskAsync(transaction, completion, now, cancellationToken)));
                        }

                        continue;
                    }

                    ClaimedTask? nextTask = null;
                    if (completion.NextStep is { } next)
                    {
                        await UpdateRunningWorkflowAsync(
                            transaction, SqliteTaskQueueSql.AdvanceWorkflow, task.WorkflowId, completion.OutputPayload, databaseNow, cancellationToken);
                        nextTask = await InsertNextTaskAsync(transaction, completion, next, now, cancellationToken);
                    }
                    else
                    {
                        await UpdateRunningWorkflowAsync(
                            transaction, SqliteTaskQueueSql.CompleteWorkflow, task.WorkflowId, completion.OutputPayload, databaseNow, cancellationToken);
                    }

                    activity.AddRange(TransitionLog.Completed(
                        task.Subject, task.WorkflowName, completion.NextStep is null, nextTask?.Subject, now));
                    recorded.Add(new(completion, nextTask));
                }

                if (recorded.Count == 0)
                {
                    return recorded;
                }

                await ActivityLog.AppendAsync(transaction, activity, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return recorded;
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
                    transaction,
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
                        transaction,
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
                        await UpdateRunningWorkflowAsync(
                            transaction, SqliteTaskQueueSql.FailWorkflow, workflowId, currentInput: null, storedNow, cancellationToken);
                        activity.AddRange(WorkflowTransitions.Fail.Log(workflowId, task.WorkflowName, now));
                        failedWorkflows.Add(task.WorkflowName);
                    }
                }

                await ActivityLog.AppendAsync(transaction, activity, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new RecoveredLeases(expired.Count, failedWorkflows);
            },
            cancellationToken);
    }

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

    /// <summary>
    /// Creates the next step's task: PENDING, or claimed at once by the same lease owner when the completion hands it
    /// over.
    /// </summary>
    /// <returns>The handed-over task as its new holder sees it; null when it was left PENDING.</returns>
    private static async Task<bool> WasCompletedByThisClaimAsync(
        IDbTransaction transaction, ClaimedTask task, CancellationToken cancellationToken) =>
        await transaction.Connection!.ExecuteScalarAsync<long>(new CommandDefinition(
            SqliteTaskQueueSql.CountCompletedByClaim,
            new { TaskId = task.Id.Value, Owner = task.LeaseOwner, task.Attempt },
            transaction,
            cancellationToken: cancellationToken)) == 1;

    /// <summary>
    /// The next step an earlier commit of <paramref name="completion"/> handed over, when its owner still holds it: its
    /// lease renewed and handed over again, as that commit's lost acknowledgement would have. Null otherwise.
    /// </summary>
    private static async Task<ClaimedTask?> RenewHandedOverTaskAsync(
        IDbTransaction transaction, TaskCompletion completion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (completion is not { NextStep: { } next, NextStepLeaseExpiresAt: { } leaseExpiresAt })
        {
            return null;
        }

        var id = await transaction.Connection!.ExecuteScalarAsync<long?>(new CommandDefinition(
            SqliteTaskQueueSql.RenewHandedOverTask,
            new
            {
                WorkflowId = SqliteIds.ToDatabase(completion.Task.WorkflowId),
                StepIndex = next.Index,
                Owner = completion.Task.LeaseOwner,
                LeaseExpiresAt = SqliteTime.ToDatabase(leaseExpiresAt),
                Now = SqliteTime.ToDatabase(now),
            },
            transaction,
            cancellationToken: cancellationToken));
        return id is { } nextId ? completion.HandedOverTask(new TaskId(nextId), now) : null;
    }

    private static async Task<ClaimedTask?> InsertNextTaskAsync(
        IDbTransaction transaction, TaskCompletion completion, WorkflowStep next, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var task = completion.Task;
        var id = await transaction.Connection!.ExecuteScalarAsync<long>(new CommandDefinition(
            SqliteTaskQueueSql.InsertNextTask,
            new
            {
                WorkflowId = SqliteIds.ToDatabase(task.WorkflowId),
                StepIndex = next.Index,
                next.TaskName,
                Status = completion.HandsOver ? StatusNames.Running : StatusNames.Pending,
                Attempt = completion.HandsOver ? 1 : 0,
                next.Policy.MaxAttempts,
                InputPayload = completion.OutputPayload,
                LeaseOwner = completion.HandsOver ? task.LeaseOwner : null,
                LeaseExpiresAt = completion.NextStepLeaseExpiresAt is { } expiresAt ? SqliteTime.ToDatabase(expiresAt) : null,
                Now = SqliteTime.ToDatabase(now),
            },
            transaction,
            cancellationToken: cancellationToken));
        return completion.HandedOverTask(new TaskId(id), now);
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
