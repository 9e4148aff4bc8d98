using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Sqlite;

/// <summary>The group commit of completions, and the hand-over of each next step, in one transaction (ADR 0011).</summary>
internal sealed partial class SqliteTaskQueue
{
    public Task<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>> CompleteAsync(
        IReadOnlyList<TaskCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (completions.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>>(new Dictionary<TaskCompletion, ClaimedTask?>());
        }

        // The times written are answered too (a handed-over task's), so they are cut as the text keeps them.
        now = SqliteTime.Kept(now);
        var databaseNow = SqliteTime.ToDatabase(now);
        return database.WriteAsync<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>>(
            async (connection, transaction) =>
            {
                // One transaction, one commit (and one fsync) for the whole group; each completion's guarded update
                // tells whether its task is still held, and one that is not is passed over without touching the others.
                // Keyed by the instances passed in: the caller finds its own completions, however alike two are.
                var recorded = new Dictionary<TaskCompletion, ClaimedTask?>(completions.Count, ReferenceEqualityComparer.Instance);
                var activity = new List<NewActivity>();
                foreach (var completion in completions)
                {
                    var task = completion.Task;
                    var held = database.Prepared(transaction, SqliteTaskQueueSql.CompleteTask)
                        .Bind("@TaskId", task.Id.Value)
                        .Bind("@OutputPayload", completion.OutputPayload)
                        .Bind("@Owner", task.LeaseOwner)
                        .Bind("@Attempt", task.Attempt)
                        .Bind("@Now", databaseNow)
                        .ExecuteNonQuery();
                    if (held == 0)
                    {
                        if (await WasCompletedByThisClaimAsync(transaction, task, cancellationToken))
                        {
                            // An earlier commit of this claim recorded it; only its acknowledgement was lost.
                            recorded.Add(completion, await RenewHandedOverTaskAsync(transaction, completion, now, cancellationToken));
                        }

                        continue;
                    }

                    ClaimedTask? nextTask = null;
                    if (completion.Advance is { } advance)
                    {
                        UpdateRunningWorkflow(transaction, SqliteTaskQueueSql.AdvanceWorkflow, task.WorkflowId, completion.OutputPayload, databaseNow);
                        nextTask = InsertNextTask(transaction, completion, advance, now, databaseNow);
                    }
                    else
                    {
                        UpdateRunningWorkflow(transaction, SqliteTaskQueueSql.CompleteWorkflow, task.WorkflowId, completion.OutputPayload, databaseNow);
                    }

                    activity.AddRange(TransitionLog.Completed(
                        task.Subject, task.WorkflowName, completion.Advance is null, nextTask?.Subject, now));
                    recorded.Add(completion, nextTask);
                }

                if (recorded.Count == 0)
                {
                    return recorded;
                }

                database.Append(transaction, activity);
                await transaction.CommitAsync(cancellationToken);
                return recorded;
            },
            cancellationToken);
    }

    /// <summary>Whether an earlier commit of this very claim completed <paramref name="task"/> (its acknowledgement was lost).</summary>
    private static async Task<bool> WasCompletedByThisClaimAsync(
        SqliteWriteTransaction transaction, ClaimedTask task, CancellationToken cancellationToken) =>
        await transaction.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            SqliteTaskQueueSql.CountCompletedByClaim,
            new { TaskId = task.Id.Value, Owner = task.LeaseOwner, task.Attempt },
            cancellationToken: cancellationToken)) == 1;

    /// <summary>
    /// The next step an earlier commit of <paramref name="completion"/> handed over, when its owner still holds it: its
    /// lease renewed and handed over again, as that commit's lost acknowledgement would have. Null otherwise.
    /// </summary>
    private static async Task<ClaimedTask?> RenewHandedOverTaskAsync(
        SqliteWriteTransaction transaction, TaskCompletion completion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (completion.Advance is not { HandsOver: true } advance)
        {
            return null;
        }

        var id = await transaction.Connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            SqliteTaskQueueSql.RenewHandedOverTask,
            new
            {
                WorkflowId = SqliteIds.ToDatabase(completion.Task.WorkflowId),
                StepIndex = advance.Step.Index,
                Owner = advance.LeaseOwner,
                LeaseExpiresAt = SqliteTime.ToDatabase(advance.LeaseExpiresAt(now)!.Value),
                Now = SqliteTime.ToDatabase(now),
            },
            cancellationToken: cancellationToken));
        return id is { } nextId ? completion.Task.HandedOver(new TaskId(nextId), advance, completion.OutputPayload, now) : null;
    }

    /// <summary>
    /// Creates the next step's task as <paramref name="advance"/> states it: due for any worker, or claimed at once by
    /// the same lease owner.
    /// </summary>
    /// <returns>The handed-over task as its new holder sees it; null when it was left due.</returns>
    private ClaimedTask? InsertNextTask(
        SqliteWriteTransaction transaction, TaskCompletion completion, StepAdvance advance, DateTimeOffset now, string databaseNow)
    {
        var id = database.Prepared(transaction, SqliteTaskQueueSql.InsertNextTask)
            .Bind("@WorkflowId", completion.Task.WorkflowId)
            .Bind("@StepIndex", advance.Step.Index)
            .Bind("@TaskName", advance.Step.TaskName)
            .Bind("@Status", advance.Status.ToName())
            .Bind("@Attempt", advance.Attempt)
            .Bind("@MaxAttempts", advance.Step.Policy.MaxAttempts)
            .Bind("@InputPayload", completion.OutputPayload)
            .Bind("@LeaseOwner", advance.LeaseOwner)
            .Bind("@LeaseExpiresAt", advance.LeaseExpiresAt(now))
            .Bind("@ScheduledAt", advance.ScheduledAt(now))
            .Bind("@Now", databaseNow)
            .ExecuteInsert();
        return advance.HandsOver ? completion.Task.HandedOver(new TaskId(id), advance, completion.OutputPayload, now) : null;
    }
}
