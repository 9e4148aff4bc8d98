using System.Data;
using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Sqlite;

/// <summary>The group commit of completions, and the hand-over of each next step, in one transaction (ADR 0011).</summary>
internal sealed partial class SqliteTaskQueue
{
    public Task<IReadOnlyList<RecordedCompletion>> CompleteAsync(
        IReadOnlyList<TaskCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (completions.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<RecordedCompletion>>([]);
        }

        // The times written are answered too (a handed-over task's), so they are cut as the text keeps them.
        now = SqliteTime.Kept(now);
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
                    if (completion.Advance is { } advance)
                    {
                        await UpdateRunningWorkflowAsync(
                            transaction, SqliteTaskQueueSql.AdvanceWorkflow, task.WorkflowId, completion.OutputPayload, databaseNow, cancellationToken);
                        nextTask = await InsertNextTaskAsync(transaction, completion, advance, now, cancellationToken);
                    }
                    else
                    {
                        await UpdateRunningWorkflowAsync(
                            transaction, SqliteTaskQueueSql.CompleteWorkflow, task.WorkflowId, completion.OutputPayload, databaseNow, cancellationToken);
                    }

                    activity.AddRange(TransitionLog.Completed(
                        task.Subject, task.WorkflowName, completion.Advance is null, nextTask?.Subject, now));
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

    /// <summary>Whether an earlier commit of this very claim completed <paramref name="task"/> (its acknowledgement was lost).</summary>
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
        if (completion.Advance is not { HandsOver: true } advance)
        {
            return null;
        }

        var id = await transaction.Connection!.ExecuteScalarAsync<long?>(new CommandDefinition(
            SqliteTaskQueueSql.RenewHandedOverTask,
            new
            {
                WorkflowId = SqliteIds.ToDatabase(completion.Task.WorkflowId),
                StepIndex = advance.Step.Index,
                Owner = advance.LeaseOwner,
                LeaseExpiresAt = SqliteTime.ToDatabase(advance.LeaseExpiresAt(now)!.Value),
                Now = SqliteTime.ToDatabase(now),
            },
            transaction,
            cancellationToken: cancellationToken));
        return id is { } nextId ? completion.Task.HandedOver(new TaskId(nextId), advance, completion.OutputPayload, now) : null;
    }

    /// <summary>
    /// Creates the next step's task as <paramref name="advance"/> states it: due for any worker, or claimed at once by
    /// the same lease owner.
    /// </summary>
    /// <returns>The handed-over task as its new holder sees it; null when it was left due.</returns>
    private static async Task<ClaimedTask?> InsertNextTaskAsync(
        IDbTransaction transaction, TaskCompletion completion, StepAdvance advance, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = await transaction.Connection!.ExecuteScalarAsync<long>(new CommandDefinition(
            SqliteTaskQueueSql.InsertNextTask,
            new
            {
                WorkflowId = SqliteIds.ToDatabase(completion.Task.WorkflowId),
                StepIndex = advance.Step.Index,
                advance.Step.TaskName,
                Status = advance.Status.ToName(),
                advance.Attempt,
                advance.Step.Policy.MaxAttempts,
                InputPayload = completion.OutputPayload,
                advance.LeaseOwner,
                LeaseExpiresAt = advance.LeaseExpiresAt(now) is { } expiresAt ? SqliteTime.ToDatabase(expiresAt) : null,
                ScheduledAt = SqliteTime.ToDatabase(advance.ScheduledAt(now)),
                Now = SqliteTime.ToDatabase(now),
            },
            transaction,
            cancellationToken: cancellationToken));
        return advance.HandsOver ? completion.Task.HandedOver(new TaskId(id), advance, completion.OutputPayload, now) : null;
    }
}
