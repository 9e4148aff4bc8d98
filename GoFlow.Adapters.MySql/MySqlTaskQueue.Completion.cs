using System.Data;
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

            // The times written are answered too (a handed-over task's), so they are cut as the column keeps them.
            var storedNow = MySqlTime.Kept(now);

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
                return recorded;
            }

            await AcknowledgeAgainAsync(transaction, recordedBefore, storedNow, recorded, cancellationToken);
            if (held.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return recorded;
            }

            var group = new CompletionGroup(held, storedNow);
            Dictionary<Guid, long> nextTaskIds;
            await using (var results = await connection.QueryMultipleAsync(BatchStatement.Command(
                MySqlTaskQueueSql.CompleteHeldTasks(group), group.Parameters, transaction, cancellationToken)))
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

            var activity = new List<NewActivity>();
            foreach (var completion in held)
            {
                var nextTask = completion.Advance is { HandsOver: true } advance
                    ? completion.Task.HandedOver(new TaskId(nextTaskIds[completion.Task.WorkflowId.Value]), advance, completion.OutputPayload, storedNow)
                    : null;
                activity.AddRange(TransitionLog.Completed(
                    completion.Task.Subject, completion.Task.WorkflowName, completion.Advance is null, nextTask?.Subject, storedNow));
                recorded.Add(completion, nextTask);
            }

            await ActivityLog.AppendAsync(transaction, activity, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return recorded;
        });

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
        MySqlTransaction transaction,
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
                var nextId = await transaction.Connection!.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                    MySqlTaskQueueSql.RenewHandedOverTask,
                    new
                    {
                        WorkflowId = completion.Task.WorkflowId.Value,
                        StepIndex = advance.Step.Index,
                        Owner = advance.LeaseOwner,
                        LeaseExpiresAt = MySqlTime.ToDatabase(advance.LeaseExpiresAt(now)!.Value),
                        Now = MySqlTime.ToDatabase(now),
                    },
                    transaction,
                    cancellationToken: cancellationToken));
                nextTask = nextId is { } id ? completion.Task.HandedOver(new TaskId(id), advance, completion.OutputPayload, now) : null;
            }

            acknowledged.Add(completion, nextTask);
        }
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
}
