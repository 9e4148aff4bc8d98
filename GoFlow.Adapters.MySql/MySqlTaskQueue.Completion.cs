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
    /// <summary>
    /// The id a handed-over task is built with before the insert gives it its own; AUTO_INCREMENT never gives 0.
    /// </summary>
    private static readonly TaskId NotYetInserted = new(0);

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
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            if (await TryCompleteAllHeldAsync(connection, completions, storedNow, recorded, cancellationToken))
            {
                return recorded;
            }

            await CompleteThoseStillHeldAsync(connection, completions, storedNow, recorded, cancellationToken);
            return recorded;
        });

    /// <summary>
    /// The common case, in four round trips (begin, the tasks' guarded update, the rest, commit), taking no locking read
    /// (ADR 0023): the tasks' UPDATE carries each claim as its guard and locks the rows it matches, in ascending id, so
    /// when it matched one row per completion every task is still held by its claim, and the group is written as
    /// <see cref="CompleteThoseStillHeldAsync"/> would write it. Otherwise (a claim lost, a lost acknowledgement, one task
    /// twice) it is rolled back having written nothing else, and false is answered.
    /// </summary>
    private static async Task<bool> TryCompleteAllHeldAsync(
        MySqlConnection connection,
        IReadOnlyList<TaskCompletion> completions,
        DateTimeOffset now,
        Dictionary<TaskCompletion, ClaimedTask?> recorded,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var group = new CompletionGroup(completions, now);
        if (!await CompleteTasksAsync(transaction, group, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await MoveWorkflowsOnAsync(transaction, group, completions, now, recorded, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// The other cases, in five round trips whatever the group size (begin, lock the tasks and read their claims, the
    /// tasks' update, the rest, commit): the completions still held are written as in the common case, those an earlier
    /// commit recorded already are answered as it would have answered them, and the others are left out.
    /// </summary>
    private static async Task CompleteThoseStillHeldAsync(
        MySqlConnection connection,
        IReadOnlyList<TaskCompletion> completions,
        DateTimeOffset now,
        Dictionary<TaskCompletion, ClaimedTask?> recorded,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
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
            return;
        }

        await AcknowledgeAgainAsync(transaction, recordedBefore, now, recorded, cancellationToken);
        if (held.Count > 0)
        {
            var group = new CompletionGroup(held, now);
            if (!await CompleteTasksAsync(transaction, group, cancellationToken))
            {
                // The rows are locked and their claims were read, so only a broken invariant gets here.
                throw new InvalidOperationException(
                    $"Expected {group.Count} tasks held by their claim, locked in the same transaction, to be completed; nothing was changed.");
            }

            await MoveWorkflowsOnAsync(transaction, group, held, now, recorded, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Whether the group's tasks' guarded update (<see cref="MySqlTaskQueueSql.CompleteHeldTasks"/>) matched every one of them.</summary>
    private static async Task<bool> CompleteTasksAsync(MySqlTransaction transaction, CompletionGroup group, CancellationToken cancellationToken) =>
        await transaction.Connection!.ExecuteScalarAsync<long>(BatchStatement.Command(
            MySqlTaskQueueSql.CompleteHeldTasks(group), group.TaskParameters, transaction, cancellationToken)) == group.Count;

    /// <summary>
    /// Writes the rest of a group whose tasks were completed, in one round trip (<see cref="MySqlTaskQueueSql.MoveWorkflowsOn"/>
    /// and the activity rows), checks every row count, and answers each completion with its handed-over task.
    /// </summary>
    private static async Task MoveWorkflowsOnAsync(
        MySqlTransaction transaction,
        CompletionGroup group,
        IReadOnlyList<TaskCompletion> held,
        DateTimeOffset now,
        Dictionary<TaskCompletion, ClaimedTask?> recorded,
        CancellationToken cancellationToken)
    {
        // The activity rows go in the same round trip, before the next tasks' ids are known: a handed-over task's
        // TASK_STARTED row reads its id by workflow and step (MySqlTaskQueueSql.InsertActivityLogs).
        var activity = new List<NewActivity>(3 * held.Count);
        var insertedTaskSteps = new List<int?>(3 * held.Count);
        var handedOver = new ClaimedTask?[held.Count];
        for (var i = 0; i < held.Count; i++)
        {
            var completion = held[i];
            handedOver[i] = completion.Advance is { HandsOver: true } advance
                ? completion.Task.HandedOver(NotYetInserted, advance, completion.OutputPayload, now)
                : null;
            var handedOverSubject = handedOver[i] is { } nextTask ? nextTask.Subject with { TaskId = null } : null;
            foreach (var row in TransitionLog.Completed(
                completion.Task.Subject, completion.Task.WorkflowName, completion.Advance is null, handedOverSubject, now))
            {
                // A last step's WORKFLOW_COMPLETED row names no task either, but a last step hands nothing over.
                activity.Add(row);
                insertedTaskSteps.Add(handedOver[i] is { } next && row.TaskId is null ? next.StepIndex : null);
            }
        }

        ActivityLog.AddValues(activity, group.Parameters, insertedTaskSteps);
        var sql = MySqlTaskQueueSql.MoveWorkflowsOn(group, insertedTaskSteps);
        Dictionary<Guid, long> nextTaskIds;
        await using (var results = await transaction.Connection!.QueryMultipleAsync(
            BatchStatement.Command(sql, group.Parameters, transaction, cancellationToken)))
        {
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

        for (var i = 0; i < held.Count; i++)
        {
            recorded.Add(held[i], handedOver[i] is { } next
                ? next with { Id = new TaskId(nextTaskIds[next.WorkflowId.Value]) }
                : null);
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
