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
                MySqlWorkflowList.Parameters(query),
                cancellationToken: cancellationToken))).AsList();

            var (page, next) = MySqlWorkflowList.Cut(
                rows, query.Limit, ToSummary, workflow => new WorkflowListPosition(workflow.CreatedAt, workflow.Id));
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
