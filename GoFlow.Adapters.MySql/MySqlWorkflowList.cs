using GoFlow.Domain;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// What the two keyset lists (the REST API's workflows and the dashboard's summaries) share: the parameters of their
/// statements and the cut of the rows read into a page.
/// </summary>
internal static class MySqlWorkflowList
{
    public static object Parameters(WorkflowListQuery query) => new
    {
        Status = query.Status?.ToName(),
        query.WorkflowName,
        CreatedAfter = query.CreatedAfter is { } after ? MySqlTime.ToDatabase(after) : (DateTime?)null,
        CreatedBefore = query.CreatedBefore is { } before ? MySqlTime.ToDatabase(before) : (DateTime?)null,
        AfterCreatedAt = query.After is { } position ? MySqlTime.ToDatabase(position.CreatedAt) : (DateTime?)null,
        AfterId = query.After?.Id.Value,
        // One row more than the page holds says whether another page follows.
        Limit = query.Limit + 1,
    };

    public static (List<T> Page, WorkflowListPosition? Next) Cut<TRow, T>(
        IReadOnlyList<TRow> rows, int limit, Func<TRow, T> map, Func<T, WorkflowListPosition> positionOf)
    {
        var page = rows.Take(limit).Select(map).ToList();
        return (page, rows.Count > limit ? positionOf(page[^1]) : null);
    }
}
