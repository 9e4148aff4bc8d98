using System.Globalization;
using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Sqlite;

internal sealed class SqliteWorkflowStatistics(SqliteDatabase database) : IWorkflowStatistics
{
    private static readonly WorkflowStatus[] Statuses = Enum.GetValues<WorkflowStatus>();

    public Task<IReadOnlyDictionary<WorkflowStatus, CappedCount>> CountByStatusAsync(int cap, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cap);
        var parameters = new DynamicParameters(new { Probe = cap + 1 });
        for (var i = 0; i < Statuses.Length; i++)
        {
            parameters.Add($"Status{i}", Statuses[i].ToName());
        }

        return database.ReadAsync<IReadOnlyDictionary<WorkflowStatus, CappedCount>>(
            async (connection, transaction) =>
            {
                var rows = await connection.QueryAsync<StatusCountRow>(new CommandDefinition(
                    SqliteStatisticsSql.CountByStatus(Statuses.Length), parameters, transaction, cancellationToken: cancellationToken));
                return rows.ToDictionary(
                    row => StatusNames.ToWorkflowStatus(row.Status), row => CappedCount.FromProbe(row.Count, cap));
            },
            cancellationToken);
    }

    public Task<CappedCount> CountChangedAsync(
        IReadOnlyCollection<WorkflowStatus> status,
        DateTimeOffset? changedSince,
        DateTimeOffset? changedBefore,
        int cap,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cap);
        ArgumentOutOfRangeException.ThrowIfZero(status.Count);
        return database.ReadAsync(
            async (connection, transaction) =>
            {
                var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    SqliteStatisticsSql.CountChanged(changedSince is not null, changedBefore is not null),
                    new
                    {
                        Statuses = status.Select(s => s.ToName()).ToArray(),
                        Since = changedSince is { } since ? SqliteTime.ToDatabase(since) : null,
                        Before = changedBefore is { } before ? SqliteTime.ToDatabase(before) : null,
                        Probe = cap + 1,
                    },
                    transaction,
                    cancellationToken: cancellationToken));
                return CappedCount.FromProbe(count, cap);
            },
            cancellationToken);
    }

    public Task<CompletionsPerMinute> WorkflowsCompletedPerMinuteAsync(
        DateTimeOffset since, int cap, CancellationToken cancellationToken) =>
        PerMinuteAsync(
            SqliteStatisticsSql.WorkflowsCompletedPerMinute,
            new { Status = StatusNames.Completed, Since = SqliteTime.ToDatabase(since), Cap = cap },
            cap,
            cancellationToken);

    public Task<CompletionsPerMinute> StepsCompletedPerMinuteAsync(
        DateTimeOffset since, DateTimeOffset queuedSince, int cap, CancellationToken cancellationToken) =>
        PerMinuteAsync(
            SqliteStatisticsSql.StepsCompletedPerMinute,
            new
            {
                Status = StatusNames.Completed,
                Since = SqliteTime.ToDatabase(since),
                QueuedSince = SqliteTime.ToDatabase(queuedSince),
                Cap = cap,
            },
            cap,
            cancellationToken);

    private Task<CompletionsPerMinute> PerMinuteAsync(string sql, object parameters, int cap, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cap);
        return database.ReadAsync(
            async (connection, transaction) =>
            {
                var rows = (await connection.QueryAsync<MinuteRow>(
                    new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken))).AsList();
                var minutes = rows.Select(row => new MinuteCount(ParseMinute(row.Minute), row.Count)).ToList();
                return new CompletionsPerMinute(minutes, Capped: minutes.Sum(minute => minute.Count) >= cap);
            },
            cancellationToken);
    }

    private static DateTimeOffset ParseMinute(string minute) =>
        DateTimeOffset.ParseExact(minute, "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
