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
/// <param name="dataSource">The pool the rarer transactions take their connections from.</param>
/// <param name="heldConnections">The connections the claim and the group completion run on (ADR 0040).</param>
internal sealed partial class MySqlTaskQueue(MySqlDataSource dataSource, HeldConnections heldConnections) : ITaskQueue
{
    public Task<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimRequest claim, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(() =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(claim.MaxTasks);

            // Three round trips whatever the batch size: begin with locking the candidates, mark them and log them, commit
            // (ADR 0034). The commit stays a round trip of its own: the marking's row count is checked before it.
            return heldConnections.RunAsync(transaction => ClaimAsync(transaction, claim, cancellationToken), cancellationToken);
        });

    private static async Task<IReadOnlyList<ClaimedTask>> ClaimAsync(
        InlineTransaction transaction, ClaimRequest claim, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection;
        var now = MySqlTime.ToDatabase(claim.Now);
        var candidates = await SelectClaimCandidatesAsync(connection, transaction, now, claim.MaxTasks, cancellationToken);
        if (candidates.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return [];
        }

        // The rows are locked, so what is written below is exactly what the claim hands out: the attempt the
        // claim's transition counts, this claim's owner and lease. Later writes are guarded by those.
        var started = candidates.SelectMany(candidate => TaskTransitions.Claim.Log(
            new ActivitySubject(
                new WorkflowId(candidate.WorkflowInstanceId), new TaskId(candidate.Id), candidate.TaskName, TaskTransitions.Claim.AttemptAfter(candidate.Attempt), claim.Owner),
            claim.Now)).ToList();
        var workflowIds = candidates.Select(candidate => candidate.WorkflowInstanceId).Distinct().ToList();
        await using var values = PositionalCommand.Rent(connection);
        values.AddValue(claim.Owner);
        values.AddValue(MySqlTime.ToDatabase(claim.LeaseExpiresAt));
        values.AddValue(claim.Owner);
        values.AddValue(now);
        foreach (var candidate in candidates)
        {
            values.AddValue(candidate.Id);
        }

        values.AddValue(now);
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var workflowId in workflowIds)
            {
                values.AddValue(workflowId);
            }
        }

        var sql = MySqlTaskQueueSql.MarkClaimedAndSelectWorkflows(candidates.Count, workflowIds.Count, started.Count);
        ActivityLog.AppendPositional(sql, values, started);
        values.CommandText = sql.ToString();

        var workflows = new Dictionary<Guid, ClaimedWorkflowRow>(workflowIds.Count);
        await using (var results = await values.ExecuteReaderAsync(cancellationToken))
        {
            await results.ReadAsync(cancellationToken);
            var marked = results.GetInt64(0);
            if (marked != candidates.Count)
            {
                // The candidates are locked by this transaction, so only a broken invariant gets here.
                throw new InvalidOperationException(
                    $"Claimed {marked} of {candidates.Count} PENDING tasks locked in the same transaction; nothing was changed.");
            }

            await results.NextResultAsync(cancellationToken);
            while (await results.ReadAsync(cancellationToken))
            {
                var workflow = new ClaimedWorkflowRow(
                    results.GetGuid(0), results.GetString(1), results.IsDBNull(2) ? null : results.GetString(2));
                workflows.Add(workflow.Id, workflow);
            }

            // The activity insert's outcome: an error there surfaces here, before the commit.
            while (await results.NextResultAsync(cancellationToken))
            {
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return [.. candidates.Select(candidate => ToClaimedTask(candidate, workflows[candidate.WorkflowInstanceId], claim))];
    }

    /// <summary>
    /// Begins <paramref name="transaction"/> with <see cref="MySqlTaskQueueSql.SelectClaimCandidates"/> and reads its rows by
    /// column position, in the order it selects them: a claim runs many times a second, and Dapper would look its cached
    /// reader up by the text each time.
    /// </summary>
    private static async Task<List<ClaimCandidateRow>> SelectClaimCandidatesAsync(
        MySqlConnection connection, InlineTransaction transaction, DateTime now, int maxTasks, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(MySqlTaskQueueSql.BeginAndSelectClaimCandidates, connection);
        transaction.Begun();
        command.Parameters.AddWithValue("@Now", now);
        command.Parameters.AddWithValue("@MaxTasks", maxTasks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var candidates = new List<ClaimCandidateRow>(maxTasks);
        while (await reader.ReadAsync(cancellationToken))
        {
            candidates.Add(new ClaimCandidateRow(
                reader.GetInt64(0),
                reader.GetGuid(1),
                reader.GetInt32(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetInt32(5),
                reader.GetInt32(6),
                reader.GetDateTime(7)));
        }

        return candidates;
    }

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

            var parameters = new BatchParameters(3 + (2 * renewal.Tasks.Count));
            parameters.Add("Owner", renewal.Owner);
            parameters.Add("LeaseExpiresAt", MySqlTime.ToDatabase(renewal.LeaseExpiresAt));
            parameters.Add("Now", MySqlTime.ToDatabase(renewal.Now));
            for (var i = 0; i < renewal.Tasks.Count; i++)
            {
                parameters.Add("Id", i, renewal.Tasks[i].Id.Value);
                parameters.Add("Attempt", i, renewal.Tasks[i].Attempt);
            }

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            // The update and the read that tells which rows it extended go in one round trip; a heartbeat writes no
            // activity row, or a long task would flood its log.
            var renewed = await connection.QueryAsync<long>(BatchStatement.Command(
                MySqlTaskQueueSql.RenewLeases(renewal.Tasks.Count), parameters, transaction, cancellationToken));
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

    private static ClaimedTask ToClaimedTask(ClaimCandidateRow row, ClaimedWorkflowRow workflow, ClaimRequest claim) => new(
        new TaskId(row.Id),
        new WorkflowId(row.WorkflowInstanceId),
        workflow.WorkflowName,
        row.StepIndex,
        row.TaskName,
        row.InputPayload,
        TaskTransitions.Claim.AttemptAfter(row.Attempt),
        row.MaxAttempts,
        claim.Owner,
        MySqlTime.Kept(claim.LeaseExpiresAt),
        MySqlTime.FromDatabase(row.ScheduledAt),
        workflow.TraceParent);
}
