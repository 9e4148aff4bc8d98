using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>The group commit of completions, and the hand-over of each next step, in one transaction (ADR 0011).</summary>
internal sealed partial class MySqlTaskQueue
{
    public Task<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>> CompleteAsync(
        IReadOnlyList<TaskCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>>(async () =>
        {
            // Keyed by the instances passed in: the caller finds its own completions, however alike two are.
            var recorded = new Dictionary<TaskCompletion, ClaimedTask?>(completions.Count, ReferenceEqualityComparer.Instance);
            if (completions.Count == 0)
            {
                return recorded;
            }

            // Three round trips whatever the group size: begin with locking the tasks and reading their claims, write,
            // log with the commit (ADR 0034).
            return await heldConnections.RunAsync(
                transaction => CompleteAsync(transaction, completions, recorded, now, cancellationToken), cancellationToken);
        });

    private static async Task<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>> CompleteAsync(
        InlineTransaction transaction,
        IReadOnlyList<TaskCompletion> completions,
        Dictionary<TaskCompletion, ClaimedTask?> recorded,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var connection = transaction.Connection;

        // The times written are answered too (a handed-over task's), so they are cut as the column keeps them.
        var storedNow = MySqlTime.Kept(now);
        var claims = await LockCompletedTasksAsync(connection, transaction, completions, cancellationToken);
        var held = completions.Where(completion => IsHeld(completion.Task, claims)).ToList();
        var recordedBefore = completions.Where(completion => WasCompletedByThisClaim(completion.Task, claims)).ToList();
        if (held.Count == 0 && recordedBefore.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return recorded;
        }

        await AcknowledgeAgainAsync(connection, recordedBefore, storedNow, recorded, cancellationToken);
        if (held.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return recorded;
        }

        var group = new CompletionGroup(held, storedNow);
        var nextTaskIds = new Dictionary<Guid, long>(group.Advancing.Count);
        await using (var command = PositionalCommand.Rent(connection))
        {
            command.CommandText = MySqlTaskQueueSql.CompleteHeldTasks(group);
            group.AddValuesTo(command);
            await using var results = await command.ExecuteReaderAsync(cancellationToken);
            await ExpectRowCountAsync(results, group.Count, "tasks held by their claim", cancellationToken);
            if (group.Advancing.Count > 0)
            {
                await ExpectRowCountAsync(results, group.Advancing.Count, $"{StatusNames.Running} workflows going on to a next step", cancellationToken);
            }

            if (group.Finishing.Count > 0)
            {
                await ExpectRowCountAsync(results, group.Finishing.Count, $"{StatusNames.Running} workflows finishing", cancellationToken);
            }

            // The next steps' ids, by column position: id, workflow id.
            while (group.Advancing.Count > 0 && await results.ReadAsync(cancellationToken))
            {
                nextTaskIds.Add(results.GetGuid(1), results.GetInt64(0));
            }
        }

        // At most two rows a completion (TransitionLog.Completed): its task, then its workflow finishing or its next
        // task handed over.
        var activity = new List<NewActivity>(2 * held.Count);
        foreach (var completion in held)
        {
            var nextTask = completion.Advance is { HandsOver: true } advance
                ? completion.Task.HandedOver(new TaskId(nextTaskIds[completion.Task.WorkflowId.Value]), advance, completion.OutputPayload, storedNow)
                : null;
            activity.AddRange(TransitionLog.Completed(
                completion.Task.Subject, completion.Task.WorkflowName, completion.Advance is null, nextTask?.Subject, storedNow));
            recorded.Add(completion, nextTask);
        }

        await ActivityLog.AppendAndCommitAsync(connection, transaction, activity, cancellationToken);
        return recorded;
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
    private static async Task AcknowledgeAgainAsync(
        MySqlConnection connection,
        IReadOnlyList<TaskCompletion> completions,
        DateTimeOffset now,
        Dictionary<TaskCompletion, ClaimedTask?> acknowledged,
        CancellationToken cancellationToken)
    {
        foreach (var completion in completions)
        {
            ClaimedTask? nextTask = null;
            if (completion.Advance is { HandsOver: true } advance)
            {
                var nextId = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                    MySqlTaskQueueSql.RenewHandedOverTask,
                    new
                    {
                        WorkflowId = completion.Task.WorkflowId.Value,
                        StepIndex = advance.Step.Index,
                        Owner = advance.LeaseOwner,
                        LeaseExpiresAt = MySqlTime.ToDatabase(advance.LeaseExpiresAt(now)!.Value),
                        Now = MySqlTime.ToDatabase(now),
                    },
                    cancellationToken: cancellationToken));
                nextTask = nextId is { } id ? completion.Task.HandedOver(new TaskId(id), advance, completion.OutputPayload, now) : null;
            }

            acknowledged.Add(completion, nextTask);
        }
    }

    /// <summary>
    /// Locks the tasks <paramref name="completions"/> answer (<see cref="MySqlTaskQueueSql.LockCompletedTasks"/>) and reads
    /// their claims by column position, in the order it selects them.
    /// </summary>
    private static async Task<Dictionary<long, HeldClaimRow>> LockCompletedTasksAsync(
        MySqlConnection connection,
        InlineTransaction transaction,
        IReadOnlyList<TaskCompletion> completions,
        CancellationToken cancellationToken)
    {
        var taskIds = completions.Select(completion => completion.Task.Id.Value).Distinct().ToList();
        await using var command = PositionalCommand.Rent(connection);
        command.CommandText = MySqlTaskQueueSql.LockCompletedTasks(taskIds.Count);
        transaction.Begun();
        foreach (var taskId in taskIds)
        {
            command.AddValue(taskId);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claims = new Dictionary<long, HeldClaimRow>(taskIds.Count);
        while (await reader.ReadAsync(cancellationToken))
        {
            var claim = new HeldClaimRow(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt32(4));
            claims.Add(claim.Id, claim);
        }

        return claims;
    }

    /// <summary>
    /// Reads the current result, a ROW_COUNT() of a group's writes, and moves to the next. The rows were locked or
    /// checked first, so a different count is a broken invariant (a held task's workflow that is not RUNNING, say):
    /// throwing rolls the whole group back.
    /// </summary>
    private static async Task ExpectRowCountAsync(
        MySqlDataReader results, int expected, string what, CancellationToken cancellationToken)
    {
        await results.ReadAsync(cancellationToken);
        var updated = results.GetInt64(0);
        if (updated != expected)
        {
            throw new InvalidOperationException(
                $"Expected {expected} {what} but updated {updated}; nothing of the group was changed.");
        }

        await results.NextResultAsync(cancellationToken);
    }
}
