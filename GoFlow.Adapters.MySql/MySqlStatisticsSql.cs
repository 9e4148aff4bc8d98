using GoFlow.Adapters.Sql;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The SQL of the statistics and summary reads (<see cref="MySqlWorkflowStatistics"/>, <see cref="MySqlWorkflowSummaries"/>).
/// Each reads one index range and stops at a LIMIT, so its cost is bounded by the cap, not by the table's size, and
/// none reads a payload column.
/// </summary>
internal static class MySqlStatisticsSql
{
    /// <summary>The minute a time falls in, as text both stores write alike: <c>2030-01-01T08:05</c>.</summary>
    private const string MinuteOfUpdate = "DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i')";

    /// <summary>
    /// One row per status (<c>Status</c>, <c>Count</c>), counted from idx_workflow_instances_status_created up to
    /// <c>@Probe</c> rows each; the statuses are <c>@Status0</c> ... <c>@Status{count - 1}</c>.
    /// </summary>
    public static string CountByStatus(int count) => string.Join("\nUNION ALL\n", Enumerable.Range(0, count).Select(i => $"""
        SELECT @Status{i} AS Status, COUNT(*) AS Count
        FROM (SELECT 1 FROM workflow_instances FORCE INDEX (idx_workflow_instances_status_created)
              WHERE status = @Status{i} LIMIT @Probe) AS status{i}
        """));

    /// <summary>
    /// Workflows in <c>@Statuses</c> last changed in [<c>@Since</c>, <c>@Before</c>) (a bound left out when null), read
    /// from idx_workflow_instances_status_updated up to <c>@Probe</c> rows.
    /// </summary>
    public static string CountChanged(bool since, bool before) => $"""
        SELECT COUNT(*)
        FROM (SELECT 1 FROM workflow_instances FORCE INDEX (idx_workflow_instances_status_updated)
              WHERE status IN @Statuses{(since ? " AND updated_at >= @Since" : string.Empty)}{(before ? " AND updated_at < @Before" : string.Empty)}
              LIMIT @Probe) AS changed
        """;

    /// <summary>
    /// COMPLETED workflows per minute from <c>@Since</c> on (<c>Minute</c>, <c>Count</c>), the latest <c>@Cap</c> read
    /// backwards from idx_workflow_instances_status_updated: a finished workflow's updated_at is when it finished.
    /// </summary>
    public const string WorkflowsCompletedPerMinute = $"""
        SELECT {MinuteOfUpdate} AS Minute, COUNT(*) AS Count
        FROM (SELECT updated_at FROM workflow_instances FORCE INDEX (idx_workflow_instances_status_updated)
              WHERE status = @Status AND updated_at >= @Since
              ORDER BY updated_at DESC LIMIT @Cap) AS latest
        GROUP BY Minute
        ORDER BY Minute
        """;

    /// <summary>
    /// COMPLETED tasks per minute from <c>@Since</c> on, among those due from <c>@QueuedSince</c> on: tasks have no index
    /// by completion time, so the range is read from idx_tasks_claim (status, scheduled_at), the latest <c>@Cap</c>.
    /// </summary>
    public const string StepsCompletedPerMinute = $"""
        SELECT {MinuteOfUpdate} AS Minute, COUNT(*) AS Count
        FROM (SELECT updated_at FROM tasks FORCE INDEX (idx_tasks_claim)
              WHERE status = @Status AND scheduled_at >= @QueuedSince AND updated_at >= @Since
              ORDER BY scheduled_at DESC LIMIT @Cap) AS latest
        GROUP BY Minute
        ORDER BY Minute
        """;

    /// <summary>
    /// A page of summaries, through the index the list uses for the same filter (see <see cref="MySqlWorkflowSql.ListWorkflows"/>)
    /// and with the same conditions, but without current_input.
    /// </summary>
    public static string ListSummaries(WorkflowListQuery query) =>
        CommonWorkflowSql.ListPage(CommonWorkflowSql.SummaryColumns, query, MySqlWorkflowSql.ListIndexHint(query));

    /// <inheritdoc cref="CommonWorkflowSql.FindSummaryByKey"/>
    public const string FindSummaryByKey = CommonWorkflowSql.FindSummaryByKey;

    /// <inheritdoc cref="CommonWorkflowSql.FindSummaryById"/>
    public const string FindSummaryById = CommonWorkflowSql.FindSummaryById;

    /// <inheritdoc cref="CommonWorkflowSql.CountUnfinishedTasks"/>
    public static readonly string CountUnfinishedTasks = CommonWorkflowSql.CountUnfinishedTasks;
}

/// <summary>A workflow without its payload, as <see cref="MySqlStatisticsSql"/> reads it.</summary>
internal sealed record SummaryRow(Guid Id, string WorkflowName, string Status, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A count per minute, the minute as <c>yyyy-MM-ddTHH:mm</c> UTC.</summary>
internal sealed record MinuteRow(string Minute, long Count);

/// <summary>A count for one status.</summary>
internal sealed record StatusCountRow(string Status, long Count);
