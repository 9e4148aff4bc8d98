using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Sqlite;

/// <remarks>
/// Every method is one write transaction (<see cref="SqliteDatabase.WriteAsync"/>): it holds
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
                var candidates = ReadClaimCandidates(transaction, now, claim.MaxTasks);
                if (candidates.Count == 0)
                {
                    return [];
                }

                // The lease as stored (cut to the microsecond): later writes are guarded by it.
                var leaseExpiresAt = SqliteTime.Kept(claim.LeaseExpiresAt);
                var claimed = new List<ClaimedTask>(candidates.Count);
                foreach (var candidate in candidates)
                {
                    claimed.Add(MarkRunning(transaction, candidate, claim.Owner, leaseExpiresAt, now));
                }

                // Each claimed task's workflow, after all the tasks (ADR 0012's order); a workflow RUNNING already, or
                // started by an earlier task of this batch, is left as it is.
                var start = database.Prepared(transaction, SqliteTaskQueueSql.StartWorkflow);
                foreach (var candidate in candidates)
                {
                    start.Bind("@WorkflowId", candidate.WorkflowInstanceId).Bind("@Now", now).ExecuteNonQuery();
                }

                database.Append(transaction, [.. claimed.SelectMany(task => TaskTransitions.Claim.Log(task.Subject, claim.Now))]);

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
                var renew = database.Prepared(transaction, SqliteTaskQueueSql.RenewLease);
                foreach (var held in renewal.Tasks)
                {
                    var updated = renew
                        .Bind("@TaskId", held.Id.Value)
                        .Bind("@Owner", renewal.Owner)
                        .Bind("@Attempt", held.Attempt)
                        .Bind("@LeaseExpiresAt", leaseExpiresAt)
                        .Bind("@Now", now)
                        .ExecuteNonQuery();
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
                    cancellationToken: cancellationToken));
                if (held == 0)
                {
                    return false;
                }

                database.Append(transaction, [.. TaskTransitions.Release.Log(task.Subject, now)]);
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
                    cancellationToken: cancellationToken));
                if (held == 0)
                {
                    return false;
                }

                database.Append(transaction, [.. TransitionLog.Failed(task.Subject, task.WorkflowName, failure.Error, retryAt, failure.Now)]);
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
                    cancellationToken: cancellationToken));
                if (held == 0)
                {
                    return false;
                }

                UpdateRunningWorkflow(transaction, SqliteTaskQueueSql.FailWorkflow, task.WorkflowId, currentInput: null, now);
                database.Append(transaction, [.. TransitionLog.Failed(task.Subject, task.WorkflowName, failure.Error, retryAt: null, failure.Now)]);
                await transaction.CommitAsync(cancellationToken);
                return true;
            },
            cancellationToken);
    }

    /// <summary>
    /// Runs one of the workflow updates that expect a RUNNING workflow. A held task's workflow is always RUNNING, so
    /// finding it otherwise is a broken invariant: throwing rolls the whole transaction back.
    /// </summary>
    private void UpdateRunningWorkflow(
        SqliteWriteTransaction transaction, string sql, WorkflowId workflowId, string? currentInput, string now)
    {
        var updated = database.Prepared(transaction, sql)
            .Bind("@WorkflowId", workflowId)
            .Bind("@CurrentInput", currentInput)
            .Bind("@Now", now)
            .ExecuteNonQuery();
        if (updated != 1)
        {
            throw new InvalidOperationException(
                $"Workflow {workflowId} is not {StatusNames.Running} although one of its tasks was held; nothing was changed.");
        }
    }

    /// <summary>The due PENDING tasks, oldest first: the task's columns the claim answers, and its workflow's name and trace context.</summary>
    private List<ClaimCandidate> ReadClaimCandidates(SqliteWriteTransaction transaction, string now, int maxTasks)
    {
        using var reader = database.Prepared(transaction, SqliteTaskQueueSql.SelectClaimCandidates)
            .Bind("@Now", now)
            .Bind("@MaxTasks", maxTasks)
            .ExecuteReader();
        var candidates = new List<ClaimCandidate>(maxTasks);
        while (reader.Read())
        {
            candidates.Add(new ClaimCandidate(
                reader.GetInt64(0),
                reader.GetString(1),
                (int)reader.GetInt64(2),
                reader.GetString(3),
                reader.GetString(4),
                (int)reader.GetInt64(5),
                (int)reader.GetInt64(6),
                reader.GetString(7),
                reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9)));
        }

        return candidates;
    }

    /// <summary>
    /// Claims one candidate and answers it as the claim stored it: the attempt it read, counted by the claim's transition,
    /// the owner and the lease bound. Its row must still be PENDING: this transaction read it holding the write lock, so
    /// finding it otherwise is a broken invariant, and throwing rolls the whole claim back rather than hand out tasks
    /// whose state is not what was read.
    /// </summary>
    private ClaimedTask MarkRunning(
        SqliteWriteTransaction transaction, ClaimCandidate candidate, string owner, DateTimeOffset leaseExpiresAt, string now)
    {
        var claimed = database.Prepared(transaction, SqliteTaskQueueSql.MarkTaskRunning)
            .Bind("@TaskId", candidate.Id)
            .Bind("@Owner", owner)
            .Bind("@LeaseExpiresAt", leaseExpiresAt)
            .Bind("@Now", now)
            .ExecuteNonQuery();
        if (claimed != 1)
        {
            throw new InvalidOperationException(
                $"Task {candidate.Id} was read as PENDING and could not be claimed in the same transaction; nothing was changed.");
        }

        return new ClaimedTask(
            new TaskId(candidate.Id),
            SqliteIds.FromDatabase(candidate.WorkflowInstanceId),
            candidate.WorkflowName,
            candidate.StepIndex,
            candidate.TaskName,
            candidate.InputPayload,
            TaskTransitions.Claim.AttemptAfter(candidate.Attempt),
            candidate.MaxAttempts,
            owner,
            leaseExpiresAt,
            SqliteTime.FromDatabase(candidate.ScheduledAt),
            candidate.TraceParent);
    }

    /// <summary>A due PENDING task as the claim read it, with its workflow's name and trace context.</summary>
    private sealed record ClaimCandidate(
        long Id,
        string WorkflowInstanceId,
        int StepIndex,
        string TaskName,
        string InputPayload,
        int Attempt,
        int MaxAttempts,
        string ScheduledAt,
        string WorkflowName,
        string? TraceParent);
}
