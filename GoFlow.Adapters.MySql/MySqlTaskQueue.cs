using System.Data;
using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <remarks>
/// Transactions run at READ COMMITTED: the locking reads (claim, sweep) then lock only the rows they return, not the
/// gaps between index entries, so they never block a concurrent insert of a new PENDING task. Every transaction touches
/// tasks, then workflow_instances, then activity_logs (see <see cref="MySqlTaskQueueSql"/>). Every write a holder makes is guarded
/// by its claim and checks the row count before anything else is written.
/// </remarks>
internal sealed class MySqlTaskQueue(MySqlDataSource dataSource) : ITaskQueue
{
    public Task<IReadOnlyList<ClaimedTask>> ClaimAsync(TaskClaim claim, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync<IReadOnlyList<ClaimedTask>>(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(claim.MaxTasks);
            var now = MySqlTime.ToDatabase(claim.Now);

            // Four round trips whatever the batch size: begin, lock the candidates, mark them and log them, commit.
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            var candidates = (await connection.QueryAsync<ClaimCandidateRow>(new CommandDefinition(
                MySqlTaskQueueSql.SelectClaimCandidates,
                new { Now = now, claim.MaxTasks },
                transaction,
                cancellationToken: cancellationToken))).AsList();
            if (candidates.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return [];
            }

            // The rows are locked, so what is written below is exactly what the claim hands out: the attempt one
            // higher, this claim's owner and lease. Later writes are guarded by those.
            var started = candidates.SelectMany(candidate => TaskTransitions.Claim.Log(
                new ActivitySubject(
                    new WorkflowId(candidate.WorkflowInstanceId), new TaskId(candidate.Id), candidate.TaskName, candidate.Attempt + 1, claim.Owner),
                claim.Now)).ToList();
            var parameters = new DynamicParameters(new
            {
                TaskIds = candidates.Select(candidate => candidate.Id).ToArray(),
                WorkflowIds = candidates.Select(candidate => candidate.WorkflowInstanceId).Distinct().ToArray(),
                claim.Owner,
                LeaseExpiresAt = MySqlTime.ToDatabase(claim.LeaseExpiresAt),
                Now = now,
            });
            var sql = MySqlTaskQueueSql.MarkClaimedAndSelectWorkflows + "\n" + ActivityLog.Insert(started, parameters);

            Dictionary<Guid, ClaimedWorkflowRow> workflows;
            await using (var results = await connection.QueryMultipleAsync(new CommandDefinition(
                sql, parameters, transaction, cancellationToken: cancellationToken)))
            {
                var marked = await results.ReadSingleAsync<long>();
                if (marked != candidates.Count)
                {
                    // The candidates are locked by this transaction, so only a broken invariant gets here.
                    throw new InvalidOperationException(
                        $"Claimed {marked} of {candidates.Count} PENDING tasks locked in the same transaction; nothing was changed.");
                }

                workflows = (await results.ReadAsync<ClaimedWorkflowRow>()).ToDictionary(row => row.Id);
            }

            await transaction.CommitAsync(cancellationToken);
            return [.. candidates.Select(candidate => ToClaimedTask(candidate, workflows[candidate.WorkflowInstanceId], claim))];
        });

    public Task<IReadOnlyList<RecordedCompletion>> CompleteAsync(
        IReadOnlyList<TaskCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync<IReadOnlyList<RecordedCompletion>>(async () =>
        {
            if (completions.Count == 0)
            {
                return [];
            }

            // Five round trips whatever the group size: begin, lock the tasks and read their claims, write, log, commit.
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            var claims = (await connection.QueryAsync<HeldClaimRow>(new CommandDefinition(
                MySqlTaskQueueSql.LockCompletedTasks,
                new { TaskIds = completions.Select(completion => completion.Task.Id.Value).Distinct().ToArray() },
                transaction,
                cancellationToken: cancellationToken))).ToDictionary(row => row.Id);
            var held = completions.Where(completion => IsHeld(completion.Task, claims)).ToList();
            var recordedBefore = completions.Where(completion => WasCompletedByThisClaim(completion.Task, claims)).ToList();
            if (held.Count == 0 && recordedBefore.Count == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return [];
            }

            var acknowledgedAgain = await AcknowledgeAgainAsync(transaction, recordedBefore, now, cancellationToken);
            if (held.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return acknowledgedAgain;
            }

            var group = new CompletionGroup(held, MySqlTime.ToDatabase(now));
            Dictionary<Guid, long> nextTaskIds;
            await using (var results = await connection.QueryMultipleAsync(new CommandDefinition(
                MySqlTaskQueueSql.CompleteHeldTasks(group), group.Parameters, transaction, cancellationToken: cancellationToken)))
            {
                await ExpectRowCountAsync(results, group.Count, "tasks held by their claim");
                if (group.Advancing.Count > 0)
                {
                    await ExpectRowCountAsync(results, group.Advancing.Count, $"{StatusNames.Running} workflows going on to a next step");
                }

                if (group.Finishing.Count > 0)
                {
                    await ExpectRowCountAsync(results, group.Finishing.Count, $"{StatusNames.Running} workflows finishing");
                }

                nextTaskIds = group.Advancing.Count > 0
                    ? (await results.ReadAsync<NextTaskRow>()).ToDictionary(row => row.WorkflowInstanceId, row => row.Id)
                    : [];
            }

            var recorded = held
                .Select(completion => new RecordedCompletion(
                    completion,
                    completion.HandsOver ? completion.HandedOverTask(new TaskId(nextTaskIds[completion.Task.WorkflowId.Value]), now) : null))
                .ToList();
            var activity = recorded.SelectMany(entry => TransitionLog.Completed(
                entry.Completion.Task.Subject, entry.Completion.Task.WorkflowName, entry.Completion.NextStep is null, entry.NextTask?.Subject, now));
            await ActivityLog.AppendAsync(transaction, [.. activity], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return [.. recorded, .. acknowledgedAgain];
        });

    public Task<bool> FailAsync(TaskFailure failure, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            var task = failure.Task;
            var now = MySqlTime.ToDatabase(failure.Now);

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            if (failure.RetryAt is { } retryAt)
            {
                if (!await UpdateHeldTaskAsync(
                    transaction,
                    MySqlTaskQueueSql.ScheduleTaskRetry,
                    new
                    {
                        TaskId = task.Id.Value,
                        failure.Error,
                        RetryAt = MySqlTime.ToDatabase(retryAt),
                        Owner = task.LeaseOwner,
                        task.Attempt,
                        Now = now,
                    },
                    cancellationToken))
                {
                    return false;
                }

                // The workflow stays RUNNING while its task waits for the retry: nothing to write there.
            }
            else
            {
                if (!await UpdateHeldTaskAsync(
                    transaction,
                    MySqlTaskQueueSql.FailTask,
                    new { TaskId = task.Id.Value, failure.Error, Owner = task.LeaseOwner, task.Attempt, Now = now },
                    cancellationToken))
                {
                    return false;
                }

                await UpdateRunningWorkflowAsync(
                    transaction, MySqlTaskQueueSql.FailWorkflow, task.WorkflowId, currentInput: null, now, cancellationToken);
            }

            await ActivityLog.AppendAsync(
                transaction,
                [.. TransitionLog.Failed(task.Subject, task.WorkflowName, failure.Error, failure.RetryAt, failure.Now)],
                cancellationToken);

            await transaction.CommitAsync(cancellationToken);
            return true;
        });

    public Task<IReadOnlyList<TaskId>> RenewLeasesAsync(LeaseRenewal renewal, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync<IReadOnlyList<TaskId>>(async () =>
        {
            if (renewal.Tasks.Count == 0)
            {
                return [];
            }

            var parameters = new DynamicParameters(new
            {
                renewal.Owner,
                LeaseExpiresAt = MySqlTime.ToDatabase(renewal.LeaseExpiresAt),
                Now = MySqlTime.ToDatabase(renewal.Now),
            });
            for (var i = 0; i < renewal.Tasks.Count; i++)
            {
                parameters.Add($"Id{i}", renewal.Tasks[i].Id.Value);
                parameters.Add($"Attempt{i}", renewal.Tasks[i].Attempt);
            }

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            // The update and the read that tells which rows it extended go in one round trip; a heartbeat writes no
            // activity row, or a long task would flood its log.
            var renewed = await connection.QueryAsync<long>(new CommandDefinition(
                MySqlTaskQueueSql.RenewLeases(renewal.Tasks.Count), parameters, transaction, cancellationToken: cancellationToken));
            var result = renewed.Select(id => new TaskId(id)).ToList();

            await transaction.CommitAsync(cancellationToken);
            return result;
        });

    public Task<bool> ReleaseAsync(ClaimedTask task, DateTimeOffset now, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            if (!await UpdateHeldTaskAsync(
                transaction,
                MySqlTaskQueueSql.ReleaseTask,
                new { TaskId = task.Id.Value, Owner = task.LeaseOwner, task.Attempt, Now = MySqlTime.ToDatabase(now) },
                cancellationToken))
            {
                return false;
            }

            await ActivityLog.AppendAsync(
                transaction,
                [.. TaskTransitions.Release.Log(task.Subject, now)],
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        });

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

    /// <summary>
    /// Runs one of the guarded task updates. 0 rows means the caller no longer holds the claim: the transaction is rolled
    /// back before anything else is written, and the caller is told so.
    /// </summary>
    private static async Task<bool> UpdateHeldTaskAsync(
        MySqlTransaction transaction, string sql, object parameters, CancellationToken cancellationToken)
    {
        var held = await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            sql, parameters, transaction, cancellationToken: cancellationToken));
        if (held == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

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

    /// <summary>Whether the row locked for <paramref name="task"/> still carries its claim: RUNNING, same owner, same attempt.</summary>
    private static bool IsHeld(ClaimedTask task, Dictionary<long, HeldClaimRow> claims) =>
        claims.TryGetValue(task.Id.Value, out var claim)
        && TaskTransitions.Complete.CanStartFrom(StatusNames.ToTaskStatus(claim.Status))
        && claim.LeaseOwner == task.LeaseOwner
        && claim.Attempt == task.Attempt;

    /// <summary>
    /// Whether an earlier commit of this very claim completed <paramref name="task"/>: COMPLETED by the same worker on the
    /// same attempt. Only that claim can have written it, so its caller is hearing again about its own commit, whose
    /// acknowledgement was lost.
    /// </summary>
    private static bool WasCompletedByThisClaim(ClaimedTask task, Dictionary<long, HeldClaimRow> claims) =>
        claims.TryGetValue(task.Id.Value, out var claim)
        && StatusNames.ToTaskStatus(claim.Status) == TaskTransitions.Complete.To
        && claim.WorkerId == task.LeaseOwner
        && claim.Attempt == task.Attempt;

    /// <summary>
    /// Answers completions that an earlier commit recorded already, as that commit would have: nothing is written again,
    /// and a next step it handed over, still held by this owner, has its lease renewed and is handed over again.
    /// </summary>
    private static async Task<List<RecordedCompletion>> AcknowledgeAgainAsync(
        MySqlTransaction transaction, IReadOnlyList<TaskCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var acknowledged = new List<RecordedCompletion>(completions.Count);
        foreach (var completion in completions)
        {
            ClaimedTask? nextTask = null;
            if (completion is { NextStep: { } next, NextStepLeaseExpiresAt: { } leaseExpiresAt })
            {
                var nextId = await transaction.Connection!.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                    MySqlTaskQueueSql.RenewHandedOverTask,
                    new
                    {
                        WorkflowId = completion.Task.WorkflowId.Value,
                        StepIndex = next.Index,
                        Owner = completion.Task.LeaseOwner,
                        LeaseExpiresAt = MySqlTime.ToDatabase(leaseExpiresAt),
                        Now = MySqlTime.ToDatabase(now),
                    },
                    transaction,
                    cancellationToken: cancellationToken));
                nextTask = nextId is { } id ? completion.HandedOverTask(new TaskId(id), now) : null;
            }

            acknowledged.Add(new RecordedCompletion(completion, nextTask));
        }

        return acknowledged;
    }

    /// <summary>
    /// Reads the next ROW_COUNT() of a group's writes. The rows were locked or checked first, so a different count is a
    /// broken invariant (a held task's workflow that is not RUNNING, say): throwing rolls the whole group back.
    /// </summary>
    private static async Task ExpectRowCountAsync(SqlMapper.GridReader results, int expected, string what)
    {
        var updated = await results.ReadSingleAsync<long>();
        if (updated != expected)
        {
            throw new InvalidOperationException(
                $"Expected {expected} {what} but updated {updated}; nothing of the group was changed.");
        }
    }

    private static ClaimedTask ToClaimedTask(ClaimCandidateRow row, ClaimedWorkflowRow workflow, TaskClaim claim) => new(
        new TaskId(row.Id),
        new WorkflowId(row.WorkflowInstanceId),
        workflow.WorkflowName,
        row.StepIndex,
        row.TaskName,
        row.InputPayload,
        row.Attempt + 1,
        row.MaxAttempts,
        claim.Owner,
        claim.LeaseExpiresAt,
        MySqlTime.FromDatabase(row.ScheduledAt),
        workflow.TraceParent);
}
