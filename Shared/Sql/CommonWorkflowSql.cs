using GoFlow.Domain.Transitions;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Sql;

/// <summary>
/// The statements both SQL stores spell to the letter: the reads of a workflow, its tasks, its activity and its summary,
/// the list's conditions, an operator's retry and the task gauges' count. Each adapter's *Sql class lists them beside
/// its own statements, so an adapter's SQL is still read in one place; what a store spells its own way (an upsert, an
/// index hint, a lock, a date function) stays in that store's class.
/// </summary>
/// <remarks>
/// Compiled into each SQL adapter by a <c>Compile Link</c>, as <see cref="StatusSql"/> is: no project and no reference,
/// so the dependency rule (no adapter references another) is untouched. A change here changes both stores, and the
/// storage contract runs against both.
/// </remarks>
internal static class CommonWorkflowSql
{
    /// <summary>The workflow_instances columns a workflow row is read from, in its order.</summary>
    public const string WorkflowColumns =
        "id AS Id, workflow_name AS WorkflowName, status AS Status, current_input AS CurrentInput, " +
        "created_at AS CreatedAt, updated_at AS UpdatedAt";

    /// <summary>The workflow_instances columns a summary row is read from: no payload.</summary>
    public const string SummaryColumns =
        "id AS Id, workflow_name AS WorkflowName, status AS Status, created_at AS CreatedAt, updated_at AS UpdatedAt";

    /// <summary>The workflow holding an idempotency key and the fingerprint of the request that stored it.</summary>
    public const string SelectWorkflowByKey = $"""
        SELECT {WorkflowColumns}, request_fingerprint AS RequestFingerprint
        FROM workflow_instances
        WHERE idempotency_key = @IdempotencyKey
        """;

    /// <summary>Two result sets: the workflow (none when it does not exist), then its tasks in step order.</summary>
    public const string SelectWorkflowAndTasks = $"""
        SELECT {WorkflowColumns}
        FROM workflow_instances
        WHERE id = @Id;

        SELECT id AS Id, step_index AS StepIndex, task_name AS TaskName, status AS Status, attempt AS Attempt,
               max_attempts AS MaxAttempts, scheduled_at AS ScheduledAt, input_payload AS InputPayload,
               output_payload AS OutputPayload, error_message AS ErrorMessage, created_at AS CreatedAt,
               updated_at AS UpdatedAt, worker_id AS WorkerId
        FROM tasks
        WHERE workflow_instance_id = @Id
        ORDER BY step_index;
        """;

    /// <summary>Two result sets: whether the workflow exists (a count), then its activity rows oldest first.</summary>
    public const string SelectActivity = """
        SELECT COUNT(*) FROM workflow_instances WHERE id = @Id;

        SELECT id AS Id, workflow_instance_id AS WorkflowInstanceId, task_id AS TaskId, action AS Action,
               details AS Details, created_at AS CreatedAt
        FROM activity_logs
        WHERE workflow_instance_id = @Id
        ORDER BY id;
        """;

    /// <summary>The summary of the workflow holding <c>@Key</c>, through its unique index.</summary>
    public const string FindSummaryByKey = $"""
        SELECT {SummaryColumns}
        FROM workflow_instances
        WHERE idempotency_key = @Key
        """;

    /// <summary>The summary of workflow <c>@Id</c>.</summary>
    public const string FindSummaryById = $"""
        SELECT {SummaryColumns}
        FROM workflow_instances
        WHERE id = @Id
        """;

    /// <summary>
    /// One page of workflows, newest first: <paramref name="columns"/> (<see cref="WorkflowColumns"/> for the list,
    /// <see cref="SummaryColumns"/> for the dashboard's summaries) of at most @Limit rows (the caller asks for one more than
    /// the page holds, to know whether another page follows), under <see cref="ListConditions"/>. The list and the
    /// summaries are the same page of the same rows: a store's index hint (<paramref name="indexHint"/>, MySQL's
    /// <c>FORCE INDEX</c>) is the only thing a store adds.
    /// </summary>
    public static string ListPage(string columns, WorkflowListQuery query, string indexHint = "")
    {
        var where = string.Join(" AND ", ListConditions(query));
        return $"""
            SELECT {columns}
            FROM workflow_instances{(indexHint.Length == 0 ? string.Empty : " " + indexHint)}
            {(where.Length == 0 ? string.Empty : "WHERE " + where + "\n")}ORDER BY created_at DESC, id DESC
            LIMIT @Limit
            """;
    }

    /// <summary>
    /// The conditions of a list page or a summaries page, ANDed: the filters that are set, and, for a page
    /// after the first, only the rows after the last one read: <c>created_at &lt;= @AfterCreatedAt</c>, a bound the index
    /// is searched from, narrowed by the tie-break on id, together the same as
    /// <c>(created_at, id) &lt; (@AfterCreatedAt, @AfterId)</c>. Of that bound and created_before, only the tighter is
    /// written: the other follows from it, and SQLite searches from one upper bound, not necessarily the tighter, so it
    /// would otherwise read the rows between them on every page.
    /// </summary>
    private static IEnumerable<string> ListConditions(WorkflowListQuery query)
    {
        if (query.Status is not null)
        {
            yield return "status = @Status";
        }

        if (query.WorkflowName is not null)
        {
            yield return "workflow_name = @WorkflowName";
        }

        if (query.CreatedAfter is not null)
        {
            yield return "created_at > @CreatedAfter";
        }

        if (query.After is { } after && (query.CreatedBefore is not { } before || after.CreatedAt < before))
        {
            yield return "created_at <= @AfterCreatedAt AND (created_at < @AfterCreatedAt OR id < @AfterId)";
        }
        else if (query.CreatedBefore is not null)
        {
            yield return "created_at < @CreatedBefore";
        }
    }

    /// <summary>
    /// WorkflowTask.Retry: PENDING, due at @DueAt, with @FreshAttempts more attempts after the ones used (the attempt number
    /// keeps counting up, so a late write of an earlier attempt stays fenced out); the lease cleared, the error kept.
    /// </summary>
    public static readonly string RetryTask = $"""
        UPDATE tasks
        SET status = {StatusSql.To(TaskTransitions.Retry)}, max_attempts = attempt + @FreshAttempts, scheduled_at = @DueAt, lease_owner = NULL,
            lease_expires_at = NULL, updated_at = @Now
        WHERE workflow_instance_id = @Id AND step_index = @StepIndex AND {StatusSql.From(TaskTransitions.Retry)}
        """;

    /// <summary>WorkflowTransitions.Retry: the workflow resumed, if it is in a status the transition starts from.</summary>
    public static readonly string RetryWorkflow = $"""
        UPDATE workflow_instances
        SET status = {StatusSql.To(WorkflowTransitions.Retry)}, updated_at = @Now
        WHERE id = @Id AND {StatusSql.From(WorkflowTransitions.Retry)}
        """;

    /// <summary>
    /// The task gauges' rows (<c>Status</c>, <c>Count</c>): the tasks in each of the domain's unfinished statuses that has
    /// any, read from the status prefix of idx_tasks_claim; finished tasks are not read.
    /// </summary>
    public static readonly string CountUnfinishedTasks = $"""
        SELECT status AS Status, COUNT(*) AS Count
        FROM tasks WHERE {StatusSql.AnyOf(TaskTransitions.Unfinished)}
        GROUP BY status
        """;
}
