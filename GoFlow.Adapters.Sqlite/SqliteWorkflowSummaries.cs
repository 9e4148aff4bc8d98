using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Sqlite;

internal sealed class SqliteWorkflowSummaries(SqliteDatabase database) : IWorkflowSummaries
{
    public Task<WorkflowSummaryPage> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        return database.ReadAsync(
            async (connection, transaction) =>
            {
                var rows = (await connection.QueryAsync<SummaryRow>(new CommandDefinition(
                    SqliteStatisticsSql.ListSummaries(query),
                    SqliteWorkflowList.Parameters(query),
                    transaction,
                    cancellationToken: cancellationToken))).AsList();

                var (page, next) = SqliteWorkflowList.Cut(
                    rows, query.Limit, ToSummary, workflow => new WorkflowListPosition(workflow.CreatedAt, workflow.Id));
                return new WorkflowSummaryPage(page, next);
            },
            cancellationToken);
    }

    public Task<WorkflowSummary?> FindByIdempotencyKeyAsync(string key, CancellationToken cancellationToken) =>
        FindAsync(SqliteStatisticsSql.FindSummaryByKey, new { Key = key }, cancellationToken);

    public Task<WorkflowSummary?> FindAsync(WorkflowId id, CancellationToken cancellationToken) =>
        FindAsync(SqliteStatisticsSql.FindSummaryById, new { Id = SqliteIds.ToDatabase(id) }, cancellationToken);

    private Task<WorkflowSummary?> FindAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        database.ReadAsync(
            async (connection, transaction) =>
            {
                var row = await connection.QuerySingleOrDefaultAsync<SummaryRow>(
                    new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
                return row is null ? null : ToSummary(row);
            },
            cancellationToken);

    private static WorkflowSummary ToSummary(SummaryRow row) => new(
        SqliteIds.FromDatabase(row.Id),
        row.WorkflowName,
        StatusNames.ToWorkflowStatus(row.Status),
        SqliteTime.FromDatabase(row.CreatedAt),
        SqliteTime.FromDatabase(row.UpdatedAt));
}
