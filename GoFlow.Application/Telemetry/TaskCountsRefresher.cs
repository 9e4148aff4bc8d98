using GoFlow.Ports.Driven;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GoFlow.Application.Telemetry;

/// <summary>
/// Counts the unfinished tasks in the store by status (PENDING, RUNNING, WAITING) at start and every <see cref="Interval"/> after, for the gauges of
/// <see cref="EngineTelemetry"/>, from the moment the host has started: a scrape reads the last count and never waits
/// for the database. It runs in every host, whatever its role, so that any host that serves metrics has them.
/// </summary>
internal sealed partial class TaskCountsRefresher(
    ITaskStatistics statistics,
    EngineTelemetry telemetry,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<TaskCountsRefresher> logger) : BackgroundService
{
    /// <summary>A modest interval: the counts are for dashboards and alerts, and every host runs the query.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Hosted services start in the order they were registered, the application's before the store's schema
            // step: the first count waits until the host has started, so that it finds the tables.
            await HostStartedAsync(stoppingToken);
            using var timer = new PeriodicTimer(Interval, clock);
            do
            {
                await RefreshAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped between two counts.
        }
    }

    private async Task HostStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
    }

    private async Task RefreshAsync(CancellationToken stoppingToken)
    {
        try
        {
            telemetry.TaskCountsMeasured(await statistics.CountAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed count (the database is down) is tried again at the next tick.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            // An old count would look like a live one: the gauges report nothing until a count succeeds again.
            telemetry.TaskCountsUnknown();
            LogCountFailed(exception, Interval);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the unfinished tasks failed; trying again in {Interval}")]
    private partial void LogCountFailed(Exception exception, TimeSpan interval);
}
