using Dapper;
using GoFlow.Domain;
using MySqlConnector;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>
/// Reads what a run left in the database, with SQL, for the checks of the reliability tests. Each check returns the
/// offending rows, so that a failure names them.
/// </summary>
internal sealed class RunInspector(string connectionString)
{
    /// <summary>How many workflows are in each status.</summary>
    public async Task<IReadOnlyDictionary<string, long>> WorkflowStatusesAsync()
    {
        var rows = await QueryAsync<StatusCount>(
            "SELECT status AS Status, COUNT(*) AS Count FROM workflow_instances GROUP BY status");
        return rows.ToDictionary(row => row.Status, row => row.Count);
    }

    public async Task<long> CompletedTaskCountAsync() =>
        await ScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE status = @Status", new { Status = StatusNames.Completed });

    /// <summary>How far the run is, and how many tasks <paramref name="owner"/> holds RUNNING, in one read.</summary>
    public async Task<RunProgress> ProgressAsync(string owner)
    {
        var rows = await QueryAsync<RunProgress>(
            """
            SELECT CAST(COALESCE(SUM(status = @Completed), 0) AS SIGNED) AS CompletedTasks,
                   CAST(COALESCE(SUM(status = @Running AND lease_owner = @Owner), 0) AS SIGNED) AS HeldByOwner
            FROM tasks
            """,
            new { Completed = StatusNames.Completed, Running = StatusNames.Running, Owner = owner });
        return rows[0];
    }

    /// <summary>The tasks <paramref name="owner"/> holds RUNNING right now.</summary>
    public Task<IReadOnlyList<TaskRow>> RunningTasksOfAsync(string owner) => QueryAsync<TaskRow>(
        """
        SELECT id AS Id, status AS Status, attempt AS Attempt, lease_owner AS LeaseOwner
        FROM tasks WHERE status = @Status AND lease_owner = @Owner ORDER BY id
        """,
        new { Status = StatusNames.Running, Owner = owner });

    /// <summary>Every task RUNNING right now, whoever holds it.</summary>
    public Task<IReadOnlyList<TaskRow>> RunningTasksAsync() => QueryAsync<TaskRow>(
        """
        SELECT id AS Id, status AS Status, attempt AS Attempt, lease_owner AS LeaseOwner
        FROM tasks WHERE status = @Status ORDER BY id
        """,
        new { Status = StatusNames.Running });

    public Task<IReadOnlyList<TaskRow>> TasksAsync(IEnumerable<long> ids) => QueryAsync<TaskRow>(
        """
        SELECT id AS Id, status AS Status, attempt AS Attempt, lease_owner AS LeaseOwner
        FROM tasks WHERE id IN @Ids ORDER BY id
        """,
        new { Ids = ids.ToArray() });

    public async Task<long> TaskCountAsync() => await ScalarAsync<long>("SELECT COUNT(*) FROM tasks");

    /// <summary>The tasks that are not COMPLETED, or have other than exactly one TASK_COMPLETED row.</summary>
    public Task<IReadOnlyList<TaskCompletions>> TasksNotCompletedExactlyOnceAsync() => QueryAsync<TaskCompletions>(
        """
        SELECT t.id AS TaskId, t.status AS Status,
               (SELECT COUNT(*) FROM activity_logs a WHERE a.task_id = t.id AND a.action = @Completed) AS Completions
        FROM tasks t
        HAVING Status <> @Status OR Completions <> 1
        ORDER BY TaskId
        """,
        new { Status = StatusNames.Completed, Completed = ActivityAction.TaskCompleted });

    /// <summary>The tasks with more than one TASK_COMPLETED row: a task finished twice.</summary>
    public Task<IReadOnlyList<TaskCompletions>> TasksCompletedMoreThanOnceAsync() => QueryAsync<TaskCompletions>(
        """
        SELECT a.task_id AS TaskId, t.status AS Status, COUNT(*) AS Completions
        FROM activity_logs a JOIN tasks t ON t.id = a.task_id
        WHERE a.action = @Completed
        GROUP BY a.task_id, t.status
        HAVING COUNT(*) > 1
        ORDER BY TaskId
        """,
        new { Completed = ActivityAction.TaskCompleted });

    /// <summary>The (task, attempt) pairs with more than one TASK_STARTED row: two claims of the same attempt.</summary>
    public Task<IReadOnlyList<AttemptStarts>> AttemptsStartedMoreThanOnceAsync() => QueryAsync<AttemptStarts>(
        """
        SELECT task_id AS TaskId, CAST(JSON_EXTRACT(details, '$.attempt') AS SIGNED) AS Attempt, COUNT(*) AS Starts
        FROM activity_logs
        WHERE action = @Started
        GROUP BY task_id, CAST(JSON_EXTRACT(details, '$.attempt') AS SIGNED)
        HAVING COUNT(*) > 1
        ORDER BY TaskId
        """,
        new { Started = ActivityAction.TaskStarted });

    /// <summary>The workflows that are not COMPLETED or have other than exactly one WORKFLOW_COMPLETED row.</summary>
    public Task<IReadOnlyList<WorkflowCompletions>> WorkflowsNotCompletedExactlyOnceAsync() => QueryAsync<WorkflowCompletions>(
        """
        SELECT w.id AS WorkflowId, w.status AS Status,
               (SELECT COUNT(*) FROM activity_logs a
                WHERE a.workflow_instance_id = w.id AND a.action = @Completed) AS Completions
        FROM workflow_instances w
        HAVING Status <> @Status OR Completions <> 1
        ORDER BY WorkflowId
        """,
        new { Status = StatusNames.Completed, Completed = ActivityAction.WorkflowCompleted });

    /// <summary>How many rows of <paramref name="action"/> each task has (tasks without one are left out).</summary>
    public async Task<IReadOnlyDictionary<long, long>> ActionCountsAsync(string action)
    {
        var rows = await QueryAsync<TaskActionCount>(
            "SELECT task_id AS TaskId, COUNT(*) AS Count FROM activity_logs WHERE action = @Action GROUP BY task_id",
            new { Action = action });
        return rows.ToDictionary(row => row.TaskId, row => row.Count);
    }

    /// <summary>
    /// The tasks whose attempt count is not their TASK_STARTED rows less their TASK_RELEASED rows: every claim counts
    /// an attempt, and a release at shutdown gives it back.
    /// </summary>
    public Task<IReadOnlyList<AttemptAccount>> AttemptCountMismatchesAsync() => QueryAsync<AttemptAccount>(
        """
        SELECT t.id AS TaskId, t.status AS Status, t.attempt AS Attempt,
               (SELECT COUNT(*) FROM activity_logs a WHERE a.task_id = t.id AND a.action = @Started) AS Starts,
               (SELECT COUNT(*) FROM activity_logs a WHERE a.task_id = t.id AND a.action = @Released) AS Releases
        FROM tasks t
        HAVING Attempt <> Starts - Releases
        ORDER BY TaskId
        """,
        new { Started = ActivityAction.TaskStarted, Released = ActivityAction.TaskReleased });

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        return [.. await connection.QueryAsync<T>(sql, parameters)];
    }

    private async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    private sealed record StatusCount(string Status, long Count);

    private sealed record TaskActionCount(long TaskId, long Count);
}

/// <summary>How many tasks are COMPLETED, and how many one worker holds RUNNING.</summary>
internal sealed record RunProgress(long CompletedTasks, long HeldByOwner);

internal sealed record TaskRow(long Id, string Status, int Attempt, string? LeaseOwner);

internal sealed record TaskCompletions(long TaskId, string Status, long Completions);

internal sealed record WorkflowCompletions(Guid WorkflowId, string Status, long Completions);

internal sealed record AttemptStarts(long TaskId, long Attempt, long Starts);

internal sealed record AttemptAccount(long TaskId, string Status, int Attempt, long Starts, long Releases);
