using GoFlow.Adapters.Sql;
using GoFlow.Domain.Transitions;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// The SQL of <see cref="SqliteSignalInbox"/>: a signal's delivery, a signal step's wait, and the timeout sweep, each a
/// transition of the domain's table guarded by the statuses it starts from (<see cref="StatusSql"/>). Every
/// transaction holds the file's write lock from its start, so a delivery and a wait cannot interleave.
/// </summary>
internal static class SqliteSignalSql
{
    public const string SelectWorkflowStatus = "SELECT status FROM workflow_instances WHERE id = @WorkflowId";

    public const string SelectSignal = """
        SELECT workflow_instance_id AS WorkflowInstanceId, name AS Name, payload AS Payload,
               idempotency_key AS IdempotencyKey, request_fingerprint AS RequestFingerprint, received_at AS ReceivedAt
        FROM workflow_signals
        WHERE workflow_instance_id = @WorkflowId AND name = @Name
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

    /// <summary>
    /// The holder parks its signal step: WAITING, due at its timeout, lease ended; guarded by the claim and by no signal
    /// of that name being stored (a signal there is consumed instead).
    /// </summary>
    public static readonly string ParkTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.AwaitSignal)}, scheduled_at = @TimeoutAt, lease_owner = NULL, lease_expires_at = NULL,
            updated_at = @Now
        WHERE id = @TaskId AND {StatusSql.From(TaskTransitions.AwaitSignal)} AND lease_owner = @Owner AND attempt = @Attempt
              AND NOT EXISTS (SELECT 1 FROM workflow_signals WHERE workflow_instance_id = @WorkflowId AND name = @Name)
        """;

    /// <summary>Whether the claim still holds the task (1 or 0).</summary>
    public static readonly string CountHeldTask = $"""
        SELECT COUNT(*) FROM tasks
        WHERE id = @TaskId AND {StatusSql.From(TaskTransitions.AwaitSignal)} AND lease_owner = @Owner AND attempt = @Attempt
        """;

    /// <summary>WAITING tasks whose timeout came, the earliest first. Served by idx_tasks_claim (status, scheduled_at, id).</summary>
    public static readonly string SelectTimedOutTasks = $"""
        SELECT t.id AS Id, t.workflow_instance_id AS WorkflowInstanceId, w.workflow_name AS WorkflowName,
               t.task_name AS TaskName, t.attempt AS Attempt
        FROM tasks t
        JOIN workflow_instances w ON w.id = t.workflow_instance_id
        WHERE t.{StatusSql.From(TaskTransitions.SignalTimeout)} AND t.scheduled_at <= @Now
        ORDER BY t.scheduled_at, t.id
        LIMIT @MaxTasks
        """;

    public static readonly string FailTimedOutTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.SignalTimeout)}, error_message = @Error, updated_at = @Now
        WHERE id = @TaskId AND {StatusSql.From(TaskTransitions.SignalTimeout)} AND scheduled_at <= @Now
        """;
}
