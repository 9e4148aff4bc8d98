using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoFlow.Worker;

/// <summary>
/// Deletes finished workflows older than <see cref="RetentionOptions.MaxAge"/> every <see cref="RetentionOptions.Interval"/>,
/// a batch per transaction until none is left. Any number of hosts may sweep at once: each batch is a guarded delete.
/// </summary>
internal sealed partial class RetentionSweeper(
    IServiceScopeFactory scopes,
    IOptions<RetentionOptions> options,
    TimeProvider clock,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    private readonly RetentionOptions _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            LogDisabled();
            return Task.CompletedTask;
        }

        return Periodically.RepeatAsync(_options.Interval, clock, SweepAsync, LogSweepFailed, runAtStart: true, stoppingToken);
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        var total = 0;
        int deleted;
        do
        {
            await using var scope = scopes.CreateAsyncScope();
            var purge = scope.ServiceProvider.GetRequiredService<IPurgeFinishedWorkflows>();
            deleted = await purge.PurgeAsync(_options.MaxAge, _options.BatchSize, stoppingToken);
            total += deleted;
        }
        while (deleted == _options.BatchSize && !stoppingToken.IsCancellationRequested);

        if (total > 0)
        {
            LogSwept(total, _options.MaxAge);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention is off: finished workflows are kept")]
    private partial void LogDisabled();

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} workflows that finished more than {MaxAge} ago")]
    private partial void LogSwept(int count, TimeSpan maxAge);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting finished workflows failed; trying again at the next interval")]
    private partial void LogSweepFailed(Exception exception);
}
