using System.Data;
using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>The lease sweep: tasks whose holder stopped renewing their lease are taken back.</summary>
internal sealed partial class MySqlTaskQueue
{
    public Task<RecoveredLeases> RecoverExpiredLeasesAsync(DateTimeOffset now, int maxTasks, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTasks);
            var databaseNow = MySqlTime.ToDatabase(now);

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            var expired = await LockExpiredLeasesAsync(transaction, databaseNow, maxTasks, cancellationToken);
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

    /// <summary>
    /// Up to <paramref name="maxTasks"/> expired leases, locked for this transaction, in two steps (ADR 0029): a read
    /// without locks picks a batch, earliest expiry first, then the rows of it still under the claim it saw, still
    /// expired, are locked by primary key. When some of a batch are gone or held by another transaction (a concurrent
    /// sweep took them), the next batch is read after it, so that concurrent sweeps share a backlog of expired leases
    /// instead of all reading the same first batch; it stops when the read finds no more.
    /// </summary>
    internal static async Task<List<ExpiredLeaseRow>> LockExpiredLeasesAsync(
        MySqlTransaction transaction, DateTime now, int maxTasks, CancellationToken cancellationToken)
    {
        var locked = new List<ExpiredLeaseRow>();
        ExpiredLeaseCandidateRow? readLast = null;
        while (locked.Count < maxTasks)
        {
            var wanted = maxTasks - locked.Count;
            var candidates = await ReadExpiredLeasesAsync(transaction, now, wanted, readLast, cancellationToken);
            if (candidates.Count == 0)
            {
                break;
            }

            locked.AddRange(await LockStillExpiredAsync(transaction, now, candidates, cancellationToken));
            if (candidates.Count < wanted)
            {
                break;
            }

            readLast = candidates[^1];
        }

        return locked;
    }

    /// <summary>The first step: up to <paramref name="maxTasks"/> expired leases after <paramref name="readLast"/>, read without locks.</summary>
    internal static async Task<List<ExpiredLeaseCandidateRow>> ReadExpiredLeasesAsync(
        MySqlTransaction transaction, DateTime now, int maxTasks, ExpiredLeaseCandidateRow? readLast, CancellationToken cancellationToken) =>
        (await transaction.Connection!.QueryAsync<ExpiredLeaseCandidateRow>(new CommandDefinition(
            MySqlTaskQueueSql.SelectExpiredLeaseCandidates,
            new { Now = now, MaxTasks = maxTasks, AfterExpiry = readLast?.LeaseExpiresAt, AfterId = readLast?.Id },
            transaction,
            cancellationToken: cancellationToken))).AsList();

    /// <summary>
    /// The second step: locks those of <paramref name="candidates"/> that still carry the claim the read saw and whose
    /// lease is still expired, passing over rows another transaction holds, and reads what taking them back needs.
    /// </summary>
    internal static async Task<List<ExpiredLeaseRow>> LockStillExpiredAsync(
        MySqlTransaction transaction, DateTime now, IReadOnlyList<ExpiredLeaseCandidateRow> candidates, CancellationToken cancellationToken)
    {
        var parameters = new BatchParameters(1 + (3 * candidates.Count));
        parameters.Add("Now", now);
        for (var i = 0; i < candidates.Count; i++)
        {
            parameters.Add("Id", i, candidates[i].Id);
            parameters.Add("Owner", i, candidates[i].LeaseOwner);
            parameters.Add("Attempt", i, candidates[i].Attempt);
        }

        return (await transaction.Connection!.QueryAsync<ExpiredLeaseRow>(BatchStatement.Command(
            MySqlTaskQueueSql.LockExpiredLeases(candidates.Count), parameters, transaction, cancellationToken))).AsList();
    }

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
}
