using System.Globalization;
using System.Text;
using GoFlow.Adapters.Sql;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The SQL of <see cref="MySqlTaskQueue"/>: claims, group completions and hand-overs, failures, releases, lease renewals
/// and the lease sweep, each a transition of the domain's table (GoFlow.Domain.Transitions) guarded by the statuses it
/// starts from (<see cref="StatusSql"/>); and the activity rows they append. Columns are aliased to the names of the row
/// records they fill (MySqlRows.cs).
/// </summary>
/// <remarks>
/// Lock order (ADR 0012), followed by every transaction that locks tasks and workflows (claim, group completion and
/// hand-over, failure, renewal, recovery sweep, cancel, retry), so that two transactions never wait on each other's
/// rows in opposite orders (a deadlock):
/// <list type="number">
/// <item>tasks rows, in ascending id; then workflow_instances rows, in ascending id; then activity_logs (inserts);</item>
/// <item>a statement that locks a list of rows reads them through the primary key (<c>FORCE INDEX (PRIMARY)</c>), so it
/// locks the rows it names, in ascending id, and no others: left to itself the optimizer may read a list of workflows
/// through a status index and lock every RUNNING workflow it passes, and two such statements deadlock;</item>
/// <item>no shared lock is ever upgraded: a task is inserted under a workflow (whose foreign key takes a shared lock on
/// it) only once the transaction holds that workflow exclusively, or while no one else can see it.</item>
/// </list>
/// Two exceptions, each safe for its own reason. Creating a workflow, forced by the foreign keys: it inserts the
/// workflow row before its task, which is harmless because no other transaction can see, and so lock, rows that are
/// not yet committed. The retention sweep, which starts from the workflow rows but never waits for a lock (see
/// <see cref="MySqlRetentionSql.SelectFinishedWorkflows"/>), and a transaction that waits for nothing closes no cycle.
/// MySqlLockOrderTests checks the statements against this order where their text can show it.
/// </remarks>
internal static class MySqlTaskQueueSql
{
    /// <summary>
    /// The due PENDING tasks, oldest first, locked for this transaction, with every task column a claim hands out, so
    /// that nothing needs reading back once they are marked. SKIP LOCKED passes over rows that a concurrent claimer has
    /// locked, so claimers never wait on each other and never get the same task. Served by idx_tasks_claim.
    /// </summary>
    public static readonly string SelectClaimCandidates = $"""
        SELECT id AS Id, workflow_instance_id AS WorkflowInstanceId, step_index AS StepIndex, task_name AS TaskName,
               input_payload AS InputPayload, attempt AS Attempt, max_attempts AS MaxAttempts, scheduled_at AS ScheduledAt
        FROM tasks
        WHERE {StatusSql.From(TaskTransitions.Claim)} AND scheduled_at <= @Now
        ORDER BY scheduled_at, id
        LIMIT @MaxTasks
        FOR UPDATE SKIP LOCKED
        """;

    /// <summary><see cref="SelectClaimCandidates"/> beginning the claim's transaction, in the same round trip (<see cref="InlineTransaction"/>).</summary>
    public static readonly string BeginAndSelectClaimCandidates = InlineTransaction.Begin(SelectClaimCandidates);

    /// <summary>
    /// The rest of a claim, in one round trip, for the <paramref name="taskCount"/> candidates locked by
    /// <see cref="SelectClaimCandidates"/>: they become RUNNING under the claim's lease with their attempt counted, and
    /// how many did (ROW_COUNT()); their <paramref name="workflowCount"/> workflows become RUNNING if they were PENDING
    /// (later steps find them RUNNING already); then the workflows' names and trace contexts. The caller appends the
    /// TASK_STARTED rows (<see cref="ActivityLog.AppendPositional"/>). Its values are positional
    /// (<see cref="PositionalValues"/>), in this order: the owner, the lease's expiry, the owner again, now, the
    /// <paramref name="taskCount"/> task ids; now, the <paramref name="workflowCount"/> workflow ids; the same workflow
    /// ids again.
    /// </summary>
    public static StringBuilder MarkClaimedAndSelectWorkflows(int taskCount, int workflowCount, int activityRows = 0) =>
        new StringBuilder(capacity: MarkClaimed.Length + MarkWorkflowsStarted.Length + SelectClaimedWorkflows.Length + 20
                + (3 * taskCount) + (6 * workflowCount) + ActivityLog.TextLength(activityRows))
            .Append(MarkClaimed).AppendPlaceholders(taskCount)
            .Append(MarkWorkflowsStarted).AppendPlaceholders(workflowCount)
            .Append(SelectClaimedWorkflows).AppendPlaceholders(workflowCount).Append(");\n");

    // The fixed parts of MarkClaimedAndSelectWorkflows, written once rather than for every claim.
    private static readonly string MarkClaimed = $"""
        UPDATE tasks FORCE INDEX (PRIMARY)
        SET status = {StatusSql.To(TaskTransitions.Claim)}, attempt = attempt + 1, lease_owner = ?, lease_expires_at = ?,
            worker_id = ?, updated_at = ?
        WHERE id IN (
        """;

    private static readonly string MarkWorkflowsStarted = $"""
        ) AND {StatusSql.From(TaskTransitions.Claim)};
        SELECT ROW_COUNT();
        UPDATE workflow_instances FORCE INDEX (PRIMARY)
        SET status = {StatusSql.To(WorkflowTransitions.Start)}, updated_at = ?
        WHERE id IN (
        """;

    private static readonly string SelectClaimedWorkflows = $"""
        ) AND {StatusSql.From(WorkflowTransitions.Start)};
        SELECT id, workflow_name, trace_parent FROM workflow_instances WHERE id IN (
        """;

    /// <summary>
    /// Locks the <paramref name="taskCount"/> tasks a group of completions answers, in primary-key order, and reads the
    /// claim each is held under now, so the caller can tell the completions still held (RUNNING, same lease owner, same
    /// attempt) from those an earlier commit of the same claim recorded already (COMPLETED, same worker, same attempt: its
    /// acknowledgement was lost) and from the others. The rows stay locked until the commit, so the claims read here are
    /// the ones the writes after it find. Its values are positional (<see cref="PositionalValues"/>): the task ids.
    /// It begins the transaction, in the same round trip (<see cref="InlineTransaction"/>).
    /// </summary>
    public static string LockCompletedTasks(int taskCount) => LockCompletedTasksTexts.For(taskCount);

    /// <summary>The texts of <see cref="LockCompletedTasks"/> for up to 256 tasks: about 0.3 MB if every count were seen.</summary>
    private static readonly TextsByCount LockCompletedTasksTexts = new(largestCached: 256, MakeLockCompletedTasks);

    private static string MakeLockCompletedTasks(int taskCount) =>
        InlineTransaction.Begin(new StringBuilder(capacity: 300 + (3 * taskCount)))
            .Append("""
                SELECT id, status, lease_owner, worker_id, attempt
                FROM tasks FORCE INDEX (PRIMARY)
                WHERE id IN (
                """).AppendPlaceholders(taskCount).Append("""
                )
                ORDER BY id
                FOR UPDATE
                """).ToString();

    /// <summary>
    /// The next step's task that an earlier commit handed over to @Owner, when the owner still holds it (RUNNING, its
    /// first attempt): its lease is renewed to @LeaseExpiresAt and its id read, so that a completion retried after a lost
    /// acknowledgement carries on with it. No row when it is no longer held (the lease sweep took it back meanwhile).
    /// </summary>
    public static readonly string RenewHandedOverTask = $"""
        UPDATE tasks FORCE INDEX (uq_tasks_workflow_step)
        SET lease_expires_at = @LeaseExpiresAt, updated_at = @Now
        WHERE workflow_instance_id = @WorkflowId AND step_index = @StepIndex AND {StatusSql.From(TaskTransitions.RenewLease)} AND lease_owner = @Owner
              AND attempt = 1;
        SELECT id FROM tasks
        WHERE workflow_instance_id = @WorkflowId AND step_index = @StepIndex AND {StatusSql.From(TaskTransitions.RenewLease)} AND lease_owner = @Owner
              AND attempt = 1;
        """;

    /// <summary>
    /// The writes of a group of held completions, in one round trip, in the lock order: the tasks become COMPLETED with
    /// their outputs, keeping their worker and attempt (what a retry after a lost acknowledgement recognises its own
    /// commit by), then ROW_COUNT(). The UPDATE guards on the status (the domain's transition) but not on each claim: the
    /// caller passes only the completions that <see cref="LockCompletedTasks"/> found still held, and the rows stay locked
    /// by this transaction from that read on, so no claim can change in between (ADR 0039). The workflows with a next
    /// step move their current input on, the others become COMPLETED with it, each update followed by ROW_COUNT(), so the
    /// caller can check that every row it expected was there; only then are the next steps' tasks created with those
    /// outputs as input, so that their foreign key's shared lock falls on workflow rows this transaction already holds
    /// exclusively, and their ids read (by the unique key on workflow and step, a range of one row per pair, as the
    /// activity rows and a hand-over need them). The text depends only on the counts. Its values are positional
    /// (<see cref="PositionalValues"/>, added by <see cref="CompletionGroup.AddValuesTo"/>), in this order: each
    /// completion's task id and output, now, each task id; for the advancing workflows, then for the finishing ones (each
    /// part only when it has any): each workflow id and output, now, each workflow id; for each advancing one, the next task's
    /// <see cref="CompletionGroup.NextTaskValuesPerRow"/> values in the INSERT's column order (workflow id, step index,
    /// task name, status, attempt, max attempts, input, lease owner, lease expiry, lease owner again as worker, due time,
    /// now, now), then each workflow id and step index.
    /// </summary>
    public static string CompleteHeldTasks(CompletionGroup group)
    {
        // About 50 characters a completion and 55 more for an advancing one: the builder is not copied as it grows.
        var sql = new StringBuilder(capacity: 1_200 + (50 * group.Count) + (55 * group.Advancing.Count));
        sql.Append(CompleteTasksSet).AppendWhenThen(group.Count)
            .Append(" END, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?\nWHERE id IN (").AppendPlaceholders(group.Count)
            .Append(CompleteTasksGuard);
        if (group.Advancing.Count > 0)
        {
            sql.Append("UPDATE workflow_instances FORCE INDEX (PRIMARY)\nSET current_input = CASE id ").AppendWhenThen(group.Advancing.Count)
                .Append(" END, updated_at = ?\nWHERE id IN (").AppendPlaceholders(group.Advancing.Count)
                .Append(AdvanceWorkflowsGuard);
        }

        if (group.Finishing.Count > 0)
        {
            sql.Append(CompleteWorkflowsSet).AppendWhenThen(group.Finishing.Count)
                .Append(" END, updated_at = ?\nWHERE id IN (").AppendPlaceholders(group.Finishing.Count)
                .Append(CompleteWorkflowsGuard);
        }

        if (group.Advancing.Count > 0)
        {
            sql.Append("""
                INSERT INTO tasks
                    (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload, lease_owner,
                     lease_expires_at, worker_id, scheduled_at, created_at, updated_at)
                VALUES

                """).AppendRows(group.Advancing.Count, CompletionGroup.NextTaskValuesPerRow)
                .Append(";\nSELECT id, workflow_instance_id FROM tasks\nWHERE (workflow_instance_id, step_index) IN (")
                .AppendRows(group.Advancing.Count, 2).Append(");\n");
        }

        return sql.ToString();
    }

    // The fixed parts of CompleteHeldTasks that name statuses, written once rather than for every group.
    private static readonly string CompleteTasksSet =
        $"UPDATE tasks FORCE INDEX (PRIMARY)\nSET status = {StatusSql.To(TaskTransitions.Complete)}, output_payload = CASE id ";

    private static readonly string CompleteTasksGuard =
        $") AND {StatusSql.From(TaskTransitions.Complete)};\nSELECT ROW_COUNT();\n";

    private static readonly string AdvanceWorkflowsGuard =
        $") AND {StatusSql.From(WorkflowTransitions.Advance)};\nSELECT ROW_COUNT();\n";

    private static readonly string CompleteWorkflowsSet =
        $"UPDATE workflow_instances FORCE INDEX (PRIMARY)\nSET status = {StatusSql.To(WorkflowTransitions.Complete)}, current_input = CASE id ";

    private static readonly string CompleteWorkflowsGuard =
        $") AND {StatusSql.From(WorkflowTransitions.Complete)};\nSELECT ROW_COUNT();\n";

    // Every write a holder makes (complete, fail, retry, release, renew) carries the same guard, its claim: RUNNING, same
    // lease owner, same attempt. 0 rows means the caller no longer holds the claim (another attempt or another worker has
    // the task now, or the sweep took it back), and the transaction changes nothing. A group of completions reads the
    // claims of the rows it locks first (LockCompletedTasks), to leave out the ones no longer held and to recognise a
    // lost acknowledgement; its UPDATE, on rows that read keeps locked, guards on the status only (ADR 0039).
    public static readonly string FailTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Fail)}, error_message = @Error, lease_owner = NULL, lease_expires_at = NULL,
            updated_at = @Now
        WHERE id = @TaskId AND {StatusSql.From(TaskTransitions.Fail)} AND lease_owner = @Owner AND attempt = @Attempt
        """;

    /// <summary>WorkflowTask.ScheduleRetry: back to PENDING, due at @RetryAt, the attempt still counted, the error kept.</summary>
    public static readonly string ScheduleTaskRetry = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.ScheduleRetry)}, error_message = @Error, scheduled_at = @RetryAt, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE id = @TaskId AND {StatusSql.From(TaskTransitions.ScheduleRetry)} AND lease_owner = @Owner AND attempt = @Attempt
        """;

    /// <summary>WorkflowTask.Release: back to PENDING, due now, and the attempt given back.</summary>
    public static readonly string ReleaseTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Release)}, attempt = attempt - 1, scheduled_at = @Now, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE id = @TaskId AND {StatusSql.From(TaskTransitions.Release)} AND lease_owner = @Owner AND attempt = @Attempt
        """;

    /// <summary>Snoozed: PENDING, due at @Until, and the attempt it was claimed with no longer counts (ADR 0019).</summary>
    public static readonly string SnoozeTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Snooze)}, attempt = attempt - 1, scheduled_at = @Until, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE id = @TaskId AND {StatusSql.From(TaskTransitions.Snooze)} AND lease_owner = @Owner AND attempt = @Attempt
        """;

    /// <summary>
    /// The sweep's first read, which locks nothing: up to @MaxTasks expired leases, earliest expiry first, after the
    /// (@AfterExpiry, @AfterId) the sweep read last (both NULL for its first read), with the claim each was held under.
    /// It reads the RUNNING entries of idx_tasks_claim (the tasks held right now, at most the workers' concurrency, and
    /// the expired ones) and sorts those whose lease ended; never the whole table. Being a consistent read, it may name
    /// rows that another transaction holds or has changed since: <see cref="LockExpiredLeases"/> checks each again
    /// under its lock. A locking read cannot do both at once: one that sorts by a column its index lacks locks every row
    /// that matches before its LIMIT applies, so a sweep of 5 would hold every expired lease (ADR 0029).
    /// </summary>
    public static readonly string SelectExpiredLeaseCandidates = $"""
        SELECT id AS Id, lease_owner AS LeaseOwner, attempt AS Attempt, lease_expires_at AS LeaseExpiresAt
        FROM tasks FORCE INDEX (idx_tasks_claim)
        WHERE {StatusSql.From(TaskTransitions.ExpireLease)} AND lease_expires_at < @Now
              AND (@AfterId IS NULL OR (lease_expires_at, id) > (@AfterExpiry, @AfterId))
        ORDER BY lease_expires_at, id
        LIMIT @MaxTasks
        """;

    /// <summary>
    /// Locks, by primary key and in ascending id (ADR 0012), those of the <paramref name="taskCount"/> candidates of
    /// <see cref="SelectExpiredLeaseCandidates"/> that are still under the claim the read saw (same lease owner, same
    /// attempt) and still expired, and reads what taking them back needs. A row completed, renewed, or taken back and
    /// claimed again since the read no longer matches, and is left alone; SKIP LOCKED passes over a row that a
    /// concurrent sweep, or a holder finishing its task right now, has locked, so two sweeps never take the same task
    /// back and a sweep never waits. Its values are named: @Now, and by row <c>@Id0</c>, <c>@Owner0</c>, <c>@Attempt0</c>, ...
    /// </summary>
    public static string LockExpiredLeases(int taskCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(taskCount);
        var ids = string.Join(", ", Enumerable.Range(0, taskCount).Select(i => $"@Id{i}"));
        var claims = string.Join(", ", Enumerable.Range(0, taskCount).Select(i => $"(@Id{i}, @Owner{i}, @Attempt{i})"));
        return $"""
            SELECT id AS Id, workflow_instance_id AS WorkflowInstanceId, task_name AS TaskName, attempt AS Attempt,
                   max_attempts AS MaxAttempts
            FROM tasks FORCE INDEX (PRIMARY)
            WHERE id IN ({ids}) AND (id, lease_owner, attempt) IN ({claims})
                  AND {StatusSql.From(TaskTransitions.ExpireLease)} AND lease_expires_at < @Now
            ORDER BY id
            FOR UPDATE SKIP LOCKED
            """;
    }

    // WorkflowTask.ExpireLease for the rows the sweep locked: those with attempts left go back to PENDING due now, those
    // on their last attempt become FAILED; both keep the expired attempt. They guard on the status and the expiry too,
    // although the rows are locked, so that a lease renewed in the meantime is never taken back. The sweep sends only the
    // statements it has ids for, in one round trip: Dapper turns an empty list into a subquery, which would make the
    // server scan the RUNNING tasks and wait on rows that other transactions hold.
    public static readonly string RequeueExpiredTasks = $"""
        UPDATE tasks FORCE INDEX (PRIMARY)
        SET status = {StatusSql.To(TaskTransitions.ExpireLease)}, error_message = @Error, scheduled_at = @Now, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE id IN @RequeueIds AND {StatusSql.From(TaskTransitions.ExpireLease)} AND lease_expires_at < @Now AND attempt < max_attempts
        """;

    public static readonly string FailExpiredTasks = $"""
        UPDATE tasks FORCE INDEX (PRIMARY)
        SET status = {StatusSql.To(TaskTransitions.ExpireLastLease)}, error_message = @Error, lease_owner = NULL, lease_expires_at = NULL, updated_at = @Now
        WHERE id IN @FailIds AND {StatusSql.From(TaskTransitions.ExpireLastLease)} AND lease_expires_at < @Now AND attempt >= max_attempts
        """;

    /// <summary>
    /// Three result sets in one round trip: the workflows whose task expired on its last attempt become FAILED (each
    /// must be RUNNING), how many did (ROW_COUNT() right after the update), and their names for the WORKFLOW_FAILED rows.
    /// </summary>
    public static readonly string FailWorkflowsAndSelectNames = $"""
        UPDATE workflow_instances FORCE INDEX (PRIMARY)
        SET status = {StatusSql.To(WorkflowTransitions.Fail)}, updated_at = @Now
        WHERE id IN @WorkflowIds AND {StatusSql.From(WorkflowTransitions.Fail)};

        SELECT ROW_COUNT();

        SELECT id AS Id, workflow_name AS WorkflowName FROM workflow_instances WHERE id IN @WorkflowIds;
        """;

    public static readonly string FailWorkflow = $"""
        UPDATE workflow_instances
        SET status = {StatusSql.To(WorkflowTransitions.Fail)}, updated_at = @Now
        WHERE id = @WorkflowId AND {StatusSql.From(WorkflowTransitions.Fail)}
        """;

    /// <summary>
    /// Extends the leases the owner still holds, then reads back which: one round trip, inside one transaction, so the
    /// rows the update matched stay locked until the read. Each task is matched on its id and the attempt the owner
    /// holds (a row constructor per task, parameters suffixed by index: <c>@Id0</c>, <c>@Attempt0</c>, ...); the
    /// <c>id IN</c> list beside it lets the server find the rows by primary key.
    /// </summary>
    public static string RenewLeases(int taskCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(taskCount);
        var ids = string.Join(", ", Enumerable.Range(0, taskCount).Select(i => $"@Id{i}"));
        var pairs = string.Join(", ", Enumerable.Range(0, taskCount).Select(i => $"(@Id{i}, @Attempt{i})"));
        var held = $"id IN ({ids}) AND (id, attempt) IN ({pairs}) AND {StatusSql.From(TaskTransitions.RenewLease)} AND lease_owner = @Owner";
        return $"""
            UPDATE tasks FORCE INDEX (PRIMARY) SET lease_expires_at = @LeaseExpiresAt, updated_at = @Now WHERE {held};
            SELECT id FROM tasks WHERE {held} AND lease_expires_at = @LeaseExpiresAt ORDER BY id;
            """;
    }

    /// <summary>The head of every INSERT of activity rows, named or positional: its columns, in the order their values come.</summary>
    public const string InsertActivityLogsInto =
        "INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at) VALUES ";

    /// <summary>
    /// One multi-row INSERT for <paramref name="rowCount"/> rows, whose parameters are prefixed by <c>Log</c> and suffixed
    /// by row index (<c>@LogWorkflowId0</c>, <c>@LogTaskId0</c>, ...), so that a claim or a group of completions logs its
    /// whole batch in one statement, sent with its other statements.
    /// </summary>
    public static string InsertActivityLogs(int rowCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowCount);
        // About 90 characters a row: the builder is not copied as it grows.
        var sql = new StringBuilder(capacity: 100 + (90 * rowCount))
            .Append(InsertActivityLogsInto);
        for (var row = 0; row < rowCount; row++)
        {
            sql.Append(row == 0 ? "(" : ", (")
                .Append(CultureInfo.InvariantCulture, $"@LogWorkflowId{row}, @LogTaskId{row}, @LogAction{row}, @LogDetails{row}, @LogCreatedAt{row})");
        }

        return sql.ToString();
    }
}
