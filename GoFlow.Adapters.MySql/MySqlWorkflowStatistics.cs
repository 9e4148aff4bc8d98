using System.Globalization;
using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

internal sealed class MySqlWorkflowStatistics(MySqlDataSource dataSource) : IWorkflowStatistics
{
    private static readonly WorkflowStatus[] Statuses = Enum.GetValues<WorkflowStatus>();

    public Task<IReadOnlyDictionary<WorkflowStatus, CappedCount>> CountByStatusAsync(int cap, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync<IReadOnlyDictionary<WorkflowStatus, CappedCount>>(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cap);
            var parameters = new DynamicParameters(new { Probe = cap + 1 });
            for (var i = 0; i < Statuses.Length; i++)
            {
                parameters.Add($"Status{i}", Statuses[i].ToName());
            }

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var rows = await connection.QueryAsync<StatusCountRow>(new CommandDefinition(
                MySqlStatisticsSql.CountByStatus(Statuses.Length), parameters, cancellationToken: cancellationToken));
            return rows.ToDictionary(
                row => StatusNames.ToWorkflowStatus(row.Status), row => CappedCount.FromProbe(row.Count, cap));
        });

    public Task<CappedCount> CountChangedAsync(
        IReadOnlyCollection<WorkflowStatus> status,
        DateTimeOffset? changedSince,
        DateTimeOffset? changedBefore,
        int cap,
        CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cap);
            ArgumentOutOfRangeException.ThrowIfZero(status.Count);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                MySqlStatisticsSql.CountChanged(changedSince is not null, changedBefore is not null),
                new
                {
                    Statuses = status.Select(s => s.ToName()).ToArray(),
                    Since = changedSince is { } since ? MySqlTime.ToDatabase(since) : (DateTime?)null,
                    Before = changedBefore is { } before ? MySqlTime.ToDatabase(before) : (DateTime?)null,
                    Probe = cap + 1,
                },
                cancellationToken: cancellationToken));
            return CappedCount.FromProbe(count, cap);
        });

    public Task<CompletionsPerMinute> WorkflowsCompletedPerMinuteAsync(
        DateTimeOffset since, int cap, CancellationToken cancellationToken) =>
        PerMinuteAsync(
            MySqlStatisticsSql.WorkflowsCompletedPerMinute,
            new { Status = StatusNames.Completed, Since = MySqlTime.ToDatabase(since), Cap = cap },
            cap,
            cancellationToken);

    public Task<CompletionsPerMinute> StepsCompletedPerMinuteAsync(
        DateTimeOffset since, DateTimeOffset queuedSince, int cap, CancellationToken cancellationToken) =>
        PerMinuteAsync(
            MySqlStatisticsSql.StepsCompletedPerMinute,
            new
            {
                Status = StatusNames.Completed,
                Since = MySqlTime.ToDatabase(since),
                QueuedSince = MySqlTime.ToDatabase(queuedSince),
                Cap = cap,
            },
            cap,
            cancellationToken);

    private Task<CompletionsPerMinute> PerMinuteAsync(string sql, object parameters, int cap, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cap);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var rows = (await connection.QueryAsync<MinuteRow>(
                new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
            var minutes = rows.Select(row => new MinuteCount(ParseMinute(row.Minute), row.Count)).ToList();
            return new CompletionsPerMinute(minutes, Capped: minutes.Sum(minute => minute.Count) >= cap);
        });

    private static DateTimeOffset ParseMinute(string minute) =>
        DateTimeOffset.ParseExact(minute, "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
