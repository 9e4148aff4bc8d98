using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using GoFlow.Domain;

namespace GoFlow.Benchmarks.Raw;

/// <summary>
/// Every statement of the raw replay: the SQL the engine issues per batch of T tasks, to be replayed with plain
/// commands and no engine code, so that the report can set the engine's rate beside what the database allows.
/// Keep it aligned with the engine's statements (the *Sql.cs files of GoFlow.Adapters.MySql and GoFlow.Adapters.Sqlite):
/// the same tables in the same order, the same rows written, the same round trips per transaction.
/// </summary>
/// <remarks>
/// Per batch, two transactions (MySQL: READ COMMITTED; SQLite: BEGIN IMMEDIATE, one writer at a time):
/// <list type="number">
/// <item>claim: <see cref="ClaimSelect"/> (locks the due tasks, skipping those another claimer holds), then one
/// round trip of <see cref="ClaimWrites"/>: the tasks RUNNING with a lease, their workflows RUNNING, a TASK_STARTED
/// row each; COMMIT.</item>
/// <item>complete: <see cref="FenceSelect"/> (locks the tasks still held by this owner), then one round trip of
/// <see cref="CompleteWrites"/>: the tasks COMPLETED with their output, the next step's task of each PENDING, the
/// advanced workflows' current input, the finished workflows COMPLETED, a TASK_COMPLETED row per task and a
/// WORKFLOW_COMPLETED row per finished workflow; COMMIT.</item>
/// </list>
/// In the hand-over variant (<see cref="RawReplayMode.HandOver"/>) the completion creates each next step's task
/// RUNNING under the same lease owner, so the loop runs it at once without claiming it: after the fencing read,
/// <see cref="CompleteAndHandOver"/> (the tasks COMPLETED, the next tasks inserted RUNNING, their ids read back), then
/// <see cref="MoveWorkflowsAndLog"/> (the workflows, then TASK_COMPLETED, WORKFLOW_COMPLETED and the next tasks'
/// TASK_STARTED rows); COMMIT. Claims then only fill the batch up with first steps.
/// Parameters of the multi-row statements are suffixed by row index (<c>@T0</c>, <c>@T1</c>, ...).
/// </remarks>
internal sealed class RawStepSql
{
    private const string Pending = StatusNames.Pending;
    private const string Running = StatusNames.Running;
    private const string Completed = StatusNames.Completed;

    private readonly string _claimLock;
    private readonly string _fenceLock;
    private readonly ConcurrentDictionary<(int Tasks, int Workflows), string> _claimWrites = new();
    private readonly ConcurrentDictionary<int, string> _fenceSelects = new();
    private readonly ConcurrentDictionary<(int Tasks, int Advanced, int Finished), string> _completeWrites = new();
    private readonly ConcurrentDictionary<(int Tasks, int Advanced), string> _handOvers = new();
    private readonly ConcurrentDictionary<(int Advanced, int Finished, int LogRows), string> _moves = new();

    private RawStepSql(string claimLock, string fenceLock)
    {
        _claimLock = claimLock;
        _fenceLock = fenceLock;
    }

    public static RawStepSql MySql { get; } = new(" FOR UPDATE SKIP LOCKED", " FOR UPDATE");

    /// <summary>SQLite has no row locks: BEGIN IMMEDIATE holds the file's one write lock for the whole transaction.</summary>
    public static RawStepSql Sqlite { get; } = new(string.Empty, string.Empty);

    /// <summary>
    /// Up to <c>@Limit</c> due PENDING tasks, oldest first, with what a handler needs; served by idx_tasks_claim.
    /// Columns: id, workflow_instance_id, step_index, task_name, input_payload, attempt, max_attempts, scheduled_at,
    /// workflow_name, trace_parent.
    /// </summary>
    public string ClaimSelect => $"""
        SELECT t.id, t.workflow_instance_id, t.step_index, t.task_name, t.input_payload, t.attempt, t.max_attempts,
               t.scheduled_at, w.workflow_name, w.trace_parent
        FROM tasks t
        JOIN workflow_instances w ON w.id = t.workflow_instance_id
        WHERE t.status = '{Pending}' AND t.scheduled_at <= @Now
        ORDER BY t.scheduled_at, t.id
        LIMIT @Limit{_claimLock}
        """;

    /// <summary>
    /// The claim's writes for <paramref name="tasks"/> tasks of <paramref name="workflows"/> distinct workflows:
    /// <c>@Owner</c>, <c>@Lease</c>, <c>@Now</c>; per task <c>@T{i}</c> its id, <c>@TW{i}</c> its workflow,
    /// <c>@TD{i}</c> its TASK_STARTED details; per workflow <c>@W{j}</c>.
    /// </summary>
    public string ClaimWrites(int tasks, int workflows) => _claimWrites.GetOrAdd((tasks, workflows), key =>
    {
        var sql = new StringBuilder();
        sql.Append(CultureInfo.InvariantCulture, $"""
            UPDATE tasks SET status = '{Running}', attempt = attempt + 1, lease_owner = @Owner, lease_expires_at = @Lease,
                updated_at = @Now
            WHERE id IN ({List("@T", key.Tasks)});
            UPDATE workflow_instances SET status = '{Running}', updated_at = @Now
            WHERE id IN ({List("@W", key.Workflows)}) AND status = '{Pending}';
            INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at) VALUES 
            """);
        AppendRows(sql, key.Tasks, i => $"(@TW{i}, @T{i}, 'TASK_STARTED', @TD{i}, @Now)");
        sql.Append(';');
        return sql.ToString();
    });

    /// <summary>The fencing read: which of <c>@T0</c>.. are still RUNNING under <c>@Owner</c>, locked until COMMIT.</summary>
    public string FenceSelect(int tasks) => _fenceSelects.GetOrAdd(tasks, count =>
        $"SELECT id FROM tasks WHERE id IN ({List("@T", count)}) AND status = '{Running}' AND lease_owner = @Owner{_fenceLock}");

    /// <summary>
    /// The completion's writes for <paramref name="tasks"/> held tasks, of which <paramref name="advanced"/> have a
    /// next step and <paramref name="finished"/> were their workflow's last. <c>@Now</c>; per task <c>@T{i}</c>,
    /// <c>@TO{i}</c> its output, <c>@TW{i}</c> its workflow, <c>@TD{i}</c> its TASK_COMPLETED details; per advanced
    /// workflow <c>@AW{i}</c>, <c>@AS{i}</c> the next step's index, <c>@AN{i}</c> its task name, <c>@AM{i}</c> its
    /// attempts, <c>@AI{i}</c> its input (the output); per finished workflow <c>@FW{i}</c>, <c>@FI{i}</c> its final
    /// input, <c>@FD{i}</c> its WORKFLOW_COMPLETED details.
    /// </summary>
    public string CompleteWrites(int tasks, int advanced, int finished) =>
        _completeWrites.GetOrAdd((tasks, advanced, finished), key =>
        {
            var sql = new StringBuilder();
            sql.Append("UPDATE tasks SET status = '").Append(Completed).Append("', output_payload = CASE id");
            for (var i = 0; i < key.Tasks; i++)
            {
                sql.Append(CultureInfo.InvariantCulture, $" WHEN @T{i} THEN @TO{i}");
            }

            sql.Append(CultureInfo.InvariantCulture, $"""
                 END, lease_owner = NULL, lease_expires_at = NULL, updated_at = @Now
                WHERE id IN ({List("@T", key.Tasks)});

                """);
            if (key.Advanced > 0)
            {
                sql.Append("""
                    INSERT INTO tasks (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload,
                                       scheduled_at, created_at, updated_at) VALUES 
                    """);
                AppendRows(sql, key.Advanced, i => $"(@AW{i}, @AS{i}, @AN{i}, '{Pending}', 0, @AM{i}, @AI{i}, @Now, @Now, @Now)");
                sql.Append(";\n");
                AppendAdvanceWorkflows(sql, key.Advanced);
            }

            AppendFinishWorkflows(sql, key.Finished);

            sql.Append("INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at) VALUES ");
            AppendRows(sql, key.Tasks, i => $"(@TW{i}, @T{i}, 'TASK_COMPLETED', @TD{i}, @Now)");
            if (key.Finished > 0)
            {
                sql.Append(", ");
                AppendRows(sql, key.Finished, i => $"(@FW{i}, NULL, 'WORKFLOW_COMPLETED', @FD{i}, @Now)");
            }

            sql.Append(';');
            return sql.ToString();
        });

    /// <summary>
    /// Hand-over, first round trip: the <paramref name="tasks"/> held tasks COMPLETED (<c>@T{i}</c>, <c>@TO{i}</c>),
    /// the next tasks of the <paramref name="advanced"/> workflows inserted RUNNING for <c>@Owner</c> until
    /// <c>@Lease</c> with attempt 1 (<c>@AW{i}</c>, <c>@AS{i}</c>, <c>@AN{i}</c>, <c>@AM{i}</c>, <c>@AI{i}</c>), and
    /// their ids read back by the unique key on workflow and step (columns id, workflow_instance_id).
    /// </summary>
    public string CompleteAndHandOver(int tasks, int advanced) => _handOvers.GetOrAdd((tasks, advanced), key =>
    {
        var sql = new StringBuilder();
        sql.Append("UPDATE tasks SET status = '").Append(Completed).Append("', output_payload = CASE id");
        for (var i = 0; i < key.Tasks; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" WHEN @T{i} THEN @TO{i}");
        }

        sql.Append(CultureInfo.InvariantCulture, $"""
             END, lease_owner = NULL, lease_expires_at = NULL, updated_at = @Now
            WHERE id IN ({List("@T", key.Tasks)});

            """);
        if (key.Advanced > 0)
        {
            sql.Append("""
                INSERT INTO tasks (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload,
                                   lease_owner, lease_expires_at, scheduled_at, created_at, updated_at) VALUES 
                """);
            AppendRows(sql, key.Advanced, i => $"(@AW{i}, @AS{i}, @AN{i}, '{Running}', 1, @AM{i}, @AI{i}, @Owner, @Lease, @Now, @Now, @Now)");
            sql.Append(CultureInfo.InvariantCulture, $"""
                ;
                SELECT id, workflow_instance_id FROM tasks
                WHERE workflow_instance_id IN ({List("@AW", key.Advanced)})
                  AND (workflow_instance_id, step_index) IN ({string.Join(", ", Enumerable.Range(0, key.Advanced).Select(i => $"(@AW{i}, @AS{i})"))});
                """);
        }

        return sql.ToString();
    });

    /// <summary>
    /// Hand-over, second round trip: the advanced workflows' current input (<c>@AW{i}</c>, <c>@AI{i}</c>), the finished
    /// workflows COMPLETED (<c>@FW{i}</c>, <c>@FI{i}</c>), and <paramref name="logRows"/> activity rows
    /// (<c>@LW{i}</c> workflow, <c>@LT{i}</c> task or NULL, <c>@LA{i}</c> action, <c>@LD{i}</c> details).
    /// </summary>
    public string MoveWorkflowsAndLog(int advanced, int finished, int logRows) => _moves.GetOrAdd((advanced, finished, logRows), key =>
    {
        var sql = new StringBuilder();
        if (key.Advanced > 0)
        {
            AppendAdvanceWorkflows(sql, key.Advanced);
        }

        AppendFinishWorkflows(sql, key.Finished);

        sql.Append("INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at) VALUES ");
        AppendRows(sql, key.LogRows, i => $"(@LW{i}, @LT{i}, @LA{i}, @LD{i}, @Now)");
        sql.Append(';');
        return sql.ToString();
    });

    /// <summary>The advanced workflows' current input moves on (<c>@AW{i}</c>, <c>@AI{i}</c>).</summary>
    private static void AppendAdvanceWorkflows(StringBuilder sql, int advanced)
    {
        sql.Append("UPDATE workflow_instances SET current_input = CASE id");
        for (var i = 0; i < advanced; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" WHEN @AW{i} THEN @AI{i}");
        }

        sql.Append(CultureInfo.InvariantCulture, $"""
             END, updated_at = @Now
            WHERE id IN ({List("@AW", advanced)}) AND status = '{Running}';

            """);
    }

    /// <summary>The finished workflows become COMPLETED (<c>@FW{i}</c>, <c>@FI{i}</c>); nothing when there are none.</summary>
    private static void AppendFinishWorkflows(StringBuilder sql, int finished)
    {
        if (finished == 0)
        {
            return;
        }

        sql.Append("UPDATE workflow_instances SET status = '").Append(Completed).Append("', current_input = CASE id");
        for (var i = 0; i < finished; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" WHEN @FW{i} THEN @FI{i}");
        }

        sql.Append(CultureInfo.InvariantCulture, $"""
             END, updated_at = @Now
            WHERE id IN ({List("@FW", finished)});

            """);
    }

    private static string List(string prefix, int count) =>
        string.Join(", ", Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)));

    private static void AppendRows(StringBuilder sql, int count, Func<int, string> row)
    {
        for (var i = 0; i < count; i++)
        {
            sql.Append(i == 0 ? string.Empty : ", ").Append(row(i));
        }
    }
}
