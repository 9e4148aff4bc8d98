using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

internal sealed class MySqlWorkflowSummaries(MySqlDataSource dataSource) : IWorkflowSummaries
{
    public Task<WorkflowSummaryPage> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var rows = (await connection.QueryAsync<SummaryRow>(new CommandDefinition(
                MySqlStatisticsSql.ListSummaries(query),
                new
                {
                    Status = query.Status?.ToName(),
                    query.WorkflowName,
                    CreatedAfter = query.CreatedAfter is { } after ? MySqlTime.ToDatabase(after) : (DateTime?)null,
                    CreatedBefore = query.CreatedBefore is { } before ? MySqlTime.ToDatabase(before) : (DateTime?)null,
                    AfterCreatedAt = query.After is { } position ? MySqlTime.ToDatabase(position.CreatedAt) : (DateTime?)null,
                    AfterId = query.After?.Id.Value,
                    // One row more than the page holds says whether another page follows.
                    Limit = query.Limit + 1,
                },
                cancellationToken: cancellationToken))).AsList();

            var page = rows.Take(query.Limit).Select(ToSummary).ToList();
            var next = rows.Count > query.Limit ? new WorkflowListPosition(page[^1].CreatedAt, page[^1].Id) : null;
            return new WorkflowSummaryPage(page, next);
        });

    public Task<WorkflowSummary?> FindByIdempotencyKeyAsync(string key, CancellationToken cancellationToken) =>
        FindAsync(MySqlStatisticsSql.FindSummaryByKey, new { Key = key }, cancellationToken);

    public Task<WorkflowSummary?> FindAsync(WorkflowId id, CancellationToken cancellationToken) =>
        FindAsync(MySqlStatisticsSql.FindSummaryById, new { Id = id.Value }, cancellationToken);

    private Task<WorkflowSummary?> FindAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var row = await connection.QuerySingleOrDefaultAsync<SummaryRow>(
                new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
            return row is null ? null : ToSummary(row);
        });

    private static WorkflowSummary ToSummary(SummaryRow row) => new(
        new WorkflowId(row.Id),
        row.WorkflowName,
        StatusNames.ToWorkflowStatus(row.Status),
        MySqlTime.FromDatabase(row.CreatedAt),
        MySqlTime.FromDatabase(row.UpdatedAt));
}
