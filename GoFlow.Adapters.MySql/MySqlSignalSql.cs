using GoFlow.Adapters.Sql;
using GoFlow.Domain.Transitions;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The SQL of <see cref="MySqlSignalInbox"/>: a signal's delivery, a signal step's wait and the timeout sweep, each a
/// transition of the domain's table guarded by the statuses it starts from (<see cref="StatusSql"/>). They keep the lock
/// order of ADR 0012 with workflow_signals between workflow_instances and activity_logs: tasks, workflow_instances,
/// workflow_signals, activity_logs.
/// </summary>
/// <remarks>
/// A delivery and a wait meet on the waiting step's task row and on the signal's row. The delivery locks the workflow's
/// tasks first (<see cref="MySqlWorkflowSql.LockTasksAndWorkflow"/>), then inserts the signal, then wakes the step if it
/// is WAITING. The wait locks its task, then reads the signal with a locking read, which waits for a delivery that has
/// inserted it but not committed; so either the wait sees the signal, or the delivery's wake, waiting on the task row the
/// wait holds, finds the task WAITING once the wait commits. No signal is left behind a parked step.
/// </remarks>
internal static class MySqlSignalSql
{
    /// <summary>The signal of that name, read with a lock (and waiting for an uncommitted insert of it).</summary>
    public const string SelectSignalForUpdate = """
        SELECT workflow_instance_id AS WorkflowInstanceId, name AS Name, payload AS Payload,
               idempotency_key AS IdempotencyKey, request_fingerprint AS RequestFingerprint, received_at AS ReceivedAt
        FROM workflow_signals
        WHERE workflow_instance_id = @WorkflowId AND name = @Name
        FOR UPDATE
        """;

    public const string InsertSignal = """
        INSERT INTO workflow_signals (workflow_instance_id, name, payload, idempotency_key, request_fingerprint, received_at)
        VALUES (@WorkflowId, @Name, @Payload, @IdempotencyKey, @RequestFingerprint, @ReceivedAt)
        """;

    /// <summary>The step waiting for the signal just stored is due now; 0 rows when it does not wait (yet, or any more).</summary>
    public static readonly string WakeWaitingTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.ReceiveSignal)}, scheduled_at = @Now, updated_at = @Now
        WHERE workflow_instance_id = @WorkflowId AND step_index = @StepIndex AND {StatusSql.From(TaskTransitions.ReceiveSignal)}
        """;

    private static readonly string HeldByClaim =
        $"id = @TaskId AND {StatusSql.From(TaskTransitions.AwaitSignal)} AND lease_owner = @Owner AND attempt = @Attempt";

    /// <summary>The task, locked while the claim still holds it: 1 row, or none when the claim is gone.</summary>
    public static readonly string LockHeldTask = $"SELECT id FROM tasks WHERE {HeldByClaim} FOR UPDATE";

    /// <summary>
    /// The holder parks its signal step: WAITING, due at its timeout, lease ended; guarded by the claim and by no signal
    /// of that name being stored (a signal there is consumed instead; the locking read before it has checked so under
    /// the task's lock).
    /// </summary>
    public static readonly string ParkTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.AwaitSignal)}, scheduled_at = @TimeoutAt, lease_owner = NULL, lease_expires_at = NULL,
            updated_at = @Now
        WHERE {HeldByClaim}
              AND NOT EXISTS (SELECT 1 FROM workflow_signals WHERE workflow_instance_id = @WorkflowId AND name = @Name)
        """;

    /// <summary>
    /// WAITING tasks whose timeout came, the earliest first, locked, skipping those a delivery holds. Served by
    /// idx_tasks_claim (status, scheduled_at, id).
    /// </summary>
    public static readonly string SelectTimedOutTasks = $"""
        SELECT id AS Id, workflow_instance_id AS WorkflowInstanceId, task_name AS TaskName, attempt AS Attempt
        FROM tasks
        WHERE {StatusSql.From(TaskTransitions.SignalTimeout)} AND scheduled_at <= @Now
        ORDER BY scheduled_at, id
        LIMIT @MaxTasks
        FOR UPDATE SKIP LOCKED
        """;

    /// <summary>The locked timed-out tasks fail, guarded by their status and timeout although locked.</summary>
    public static readonly string FailTimedOutTasks = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.SignalTimeout)}, error_message = @Error, updated_at = @Now
        WHERE id IN @TaskIds AND {StatusSql.From(TaskTransitions.SignalTimeout)} AND scheduled_at <= @Now
        """;
}
