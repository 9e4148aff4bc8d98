using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

internal sealed class MySqlScheduleStore(MySqlDataSource dataSource) : IScheduleStore
{
    public Task<IReadOnlyDictionary<string, ScheduleState>> ReadAllAsync(CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync<IReadOnlyDictionary<string, ScheduleState>>(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var rows = await connection.QueryAsync<ScheduleStateRow>(
                new CommandDefinition(MySqlScheduleSql.ReadAll, cancellationToken: cancellationToken));
            return rows.ToDictionary(
                row => row.Name,
                row => new ScheduleState(
                    row.Name,
                    row.Paused,
                    row.LastFireAt is { } fireAt ? MySqlTime.FromDatabase(fireAt) : null,
                    row.LastWorkflowId is { } id ? new WorkflowId(id) : null),
                StringComparer.Ordinal);
        });

    public Task SetPausedAsync(string name, bool paused, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(MySqlScheduleSql.SetPaused, new { Name = name, Paused = paused, Now = MySqlTime.ToDatabase(now) }, cancellationToken);

    public Task RecordFireAsync(
        string name, DateTimeOffset fireAt, WorkflowId? workflowId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            MySqlScheduleSql.RecordFire,
            new
            {
                Name = name,
                FireAt = MySqlTime.ToDatabase(fireAt),
                WorkflowId = workflowId?.Value,
                Now = MySqlTime.ToDatabase(now),
            },
            cancellationToken);

    private Task ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        });

    private sealed record ScheduleStateRow(string Name, bool Paused, DateTime? LastFireAt, Guid? LastWorkflowId);
}
