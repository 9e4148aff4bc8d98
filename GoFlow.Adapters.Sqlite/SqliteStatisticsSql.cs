using GoFlow.Adapters.Sql;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// The SQL of the statistics and summary reads (<see cref="SqliteWorkflowStatistics"/>, <see cref="SqliteWorkflowSummaries"/>),
/// as <c>MySqlStatisticsSql</c> has them: each reads one index range and stops at a LIMIT, and none reads a payload.
/// </summary>
internal static class SqliteStatisticsSql
{
    /// <summary>The minute a time falls in: SqliteTime's fixed-width text cut after the minutes, <c>2030-01-01T08:05</c>.</summary>
    private const string MinuteOfUpdate = "substr(updated_at, 1, 16)";

    /// <summary>One row per status (<c>Status</c>, <c>Count</c>), each counted up to <c>@Probe</c> rows.</summary>
    public static string CountByStatus(int count) => string.Join("\nUNION ALL\n", Enumerable.Range(0, count).Select(i => $"""
        SELECT @Status{i} AS Status, COUNT(*) AS Count
        FROM (SELECT 1 FROM workflow_instances INDEXED BY idx_workflow_instances_status_created
              WHERE status = @Status{i} LIMIT @Probe)
        """));

    /// <summary>Workflows in <c>@Statuses</c> last changed in [<c>@Since</c>, <c>@Before</c>), up to <c>@Probe</c> rows.</summary>
    public static string CountChanged(bool since, bool before) => $"""
        SELECT COUNT(*)
        FROM (SELECT 1 FROM workflow_instances INDEXED BY idx_workflow_instances_status_updated
              WHERE status IN @Statuses{(since ? " AND updated_at >= @Since" : string.Empty)}{(before ? " AND updated_at < @Before" : string.Empty)}
              LIMIT @Probe)
        """;

    /// <summary>COMPLETED workflows per minute from <c>@Since</c> on, the latest <c>@Cap</c>.</summary>
    public const string WorkflowsCompletedPerMinute = $"""
        SELECT {MinuteOfUpdate} AS Minute, COUNT(*) AS Count
        FROM (SELECT updated_at FROM workflow_instances INDEXED BY idx_workflow_instances_status_updated
              WHERE status = @Status AND updated_at >= @Since
              ORDER BY updated_at DESC LIMIT @Cap)
        GROUP BY Minute
        ORDER BY Minute
        """;

    /// <summary>COMPLETED tasks per minute from <c>@Since</c> on, among those due from <c>@QueuedSince</c> on, the latest <c>@Cap</c>.</summary>
    public const string StepsCompletedPerMinute = $"""
        SELECT {MinuteOfUpdate} AS Minute, COUNT(*) AS Count
        FROM (SELECT updated_at FROM tasks INDEXED BY idx_tasks_claim
              WHERE status = @Status AND scheduled_at >= @QueuedSince AND updated_at >= @Since
              ORDER BY scheduled_at DESC LIMIT @Cap)
        GROUP BY Minute
        ORDER BY Minute
        """;

    /// <summary>A page of summaries with the list's conditions (<see cref="SqliteWorkflowSql.ListWorkflows"/>), without current_input.</summary>
    public static string ListSummaries(WorkflowListQuery query) =>
        CommonWorkflowSql.ListPage(CommonWorkflowSql.SummaryColumns, query);

    /// <inheritdoc cref="CommonWorkflowSql.FindSummaryByKey"/>
    public const string FindSummaryByKey = CommonWorkflowSql.FindSummaryByKey;

    /// <inheritdoc cref="CommonWorkflowSql.FindSummaryById"/>
    public const string FindSummaryById = CommonWorkflowSql.FindSummaryById;

    /// <inheritdoc cref="CommonWorkflowSql.CountUnfinishedTasks"/>
    public static readonly string CountUnfinishedTasks = CommonWorkflowSql.CountUnfinishedTasks;
}

/// <summary>A workflow without its payload, as <see cref="SqliteStatisticsSql"/> reads it.</summary>
internal sealed record SummaryRow(string Id, string WorkflowName, string Status, string CreatedAt, string UpdatedAt);

// The two below are classes with setters, not positional records: SQLite declares no type for a computed column, so
// Dapper cannot pick a record's constructor by the columns' types; setters convert each value as it comes.

/// <summary>A count per minute, the minute as <c>yyyy-MM-ddTHH:mm</c> UTC.</summary>
internal sealed class MinuteRow
{
    public string Minute { get; init; } = string.Empty;

    public long Count { get; init; }
}

/// <summary>A count for one status.</summary>
internal sealed class StatusCountRow
{
    public string Status { get; init; } = string.Empty;

    public long Count { get; init; }
}
