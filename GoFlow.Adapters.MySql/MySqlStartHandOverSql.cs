using System.Text;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The SQL of a group of starts of which some hand their first task over to a worker of this process (ADR 0037), kept
/// apart from <see cref="MySqlWorkflowSql.CreateMany"/>, the group with none, whose text it leaves as it was.
/// </summary>
internal static class MySqlStartHandOverSql
{
    /// <summary>The values of a first task in <see cref="CreateMany"/>: the columns of a handed-over task, lease included.</summary>
    public const int TaskValuesPerRow = 13;

    /// <summary>The values of a handed-over task's TASK_STARTED row: the workflow twice (the row's, and its task's lookup), the step, action, details, time.</summary>
    public const int StartedValuesPerRow = 6;

    /// <summary>
    /// The texts of groups in which every start hands over, by the number of starts, up to 64, as
    /// <see cref="MySqlWorkflowSql.CreateMany"/> caches its own; a group with some starts left PENDING makes its text each time.
    /// </summary>
    private static readonly TextsByCount AllHandedOverTexts = new(largestCached: 64, count => Make(count, count));

    /// <summary>
    /// The whole transaction of <paramref name="count"/> starts of which <paramref name="handedOver"/> hand over, begin and
    /// commit included (<see cref="InlineTransaction"/>), in one round trip. Its values are positional
    /// (<see cref="PositionalValues"/>), in this order: every workflow's <see cref="MySqlWorkflowSql.WorkflowValuesPerRow"/>
    /// (as <see cref="MySqlWorkflowSql.InsertWorkflowsAndFirstTasks"/> takes them), every first task's
    /// <see cref="TaskValuesPerRow"/>, every WORKFLOW_CREATED row's (<see cref="ActivityLog.AddValues"/>), every
    /// handed-over task's TASK_STARTED row's <see cref="StartedValuesPerRow"/>, then the handed-over workflows' ids.
    /// </summary>
    /// <remarks>
    /// A TASK_STARTED row names its task, whose id the server gives it in this same command: the row reads it back through
    /// uq_tasks_workflow_step. The last statement answers the handed-over tasks' ids, for their holder.
    /// </remarks>
    public static string CreateMany(int count, int handedOver) =>
        handedOver == count ? AllHandedOverTexts.For(count) : Make(count, handedOver);

    private static string Make(int count, int handedOver)
    {
        var sql = new StringBuilder(capacity: 600 + (160 * count))
            .Append("INSERT INTO workflow_instances (id, workflow_name, status, current_input, created_at, updated_at, trace_parent)\nVALUES ")
            .AppendRows(count, MySqlWorkflowSql.WorkflowValuesPerRow)
            .Append(";\nINSERT INTO tasks\n    (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload, lease_owner,\n")
            .Append("     lease_expires_at, worker_id, scheduled_at, created_at, updated_at)\nVALUES ")
            .AppendRows(count, TaskValuesPerRow)
            .Append(";\n");
        ActivityLog.AppendInsert(sql, count).Append('\n').Append(MySqlTaskQueueSql.InsertActivityLogsInto);
        for (var row = 0; row < handedOver; row++)
        {
            sql.Append(row == 0 ? "\n" : ",\n")
                .Append("(?, (SELECT id FROM tasks WHERE workflow_instance_id = ? AND step_index = ?), ?, ?, ?)");
        }

        sql.Append(";\nSELECT id, workflow_instance_id FROM tasks WHERE workflow_instance_id IN (")
            .AppendPlaceholders(handedOver)
            .Append(");\n");
        return InlineTransaction.Commit(InlineTransaction.Begin(sql)).ToString();
    }
}
