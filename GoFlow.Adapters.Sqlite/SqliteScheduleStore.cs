using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Sqlite;

internal sealed class SqliteScheduleStore(SqliteDatabase database) : IScheduleStore
{
    public Task<IReadOnlyDictionary<string, ScheduleState>> ReadAllAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyDictionary<string, ScheduleState>>(
            async (connection, transaction) =>
            {
                var rows = await connection.QueryAsync<ScheduleStateRow>(
                    new CommandDefinition(SqliteScheduleSql.ReadAll, transaction: transaction, cancellationToken: cancellationToken));
                return rows.ToDictionary(
                    row => row.Name,
                    row => new ScheduleState(
                        row.Name,
                        row.Paused != 0,
                        row.LastFireAt is { } fireAt ? SqliteTime.FromDatabase(fireAt) : null,
                        row.LastWorkflowId is { } id ? SqliteIds.FromDatabase(id) : null),
                    StringComparer.Ordinal);
            },
            cancellationToken);

    public Task SetPausedAsync(string name, bool paused, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(SqliteScheduleSql.SetPaused, new { Name = name, Paused = paused ? 1 : 0, Now = SqliteTime.ToDatabase(now) }, cancellationToken);

    public Task RecordFireAsync(
        string name, DateTimeOffset fireAt, WorkflowId? workflowId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            SqliteScheduleSql.RecordFire,
            new
            {
                Name = name,
                FireAt = SqliteTime.ToDatabase(fireAt),
                WorkflowId = workflowId is { } id ? SqliteIds.ToDatabase(id) : null,
                Now = SqliteTime.ToDatabase(now),
            },
            cancellationToken);

    private Task WriteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                return true;
            },
            cancellationToken);

    private sealed record ScheduleStateRow(string Name, long Paused, string? LastFireAt, string? LastWorkflowId);
}
