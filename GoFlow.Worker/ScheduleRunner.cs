using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GoFlow.Worker;

/// <summary>
/// Fires the schedules when they are due: sleeps until the next fire of any schedule (on the clock, so tests move it),
/// fires what is due, and sleeps again. Every host running the worker does this; the fires stay one workflow each
/// because each is started under the same idempotency key on every host (ADR 0018). Waiting costs one timer per host,
/// whatever the number of schedules or workflows.
/// </summary>
internal sealed partial class ScheduleRunner(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<ScheduleRunner> logger) : BackgroundService
{
    /// <summary>
    /// The longest sleep: a host wakes at least this often, so a schedule whose next fire is far off is still read
    /// again now and then (after a clock change, say).
    /// </summary>
    internal static readonly TimeSpan LongestSleep = TimeSpan.FromMinutes(1);

    /// <summary>The pause after a failed pass (the store is down, say) before the next.</summary>
    internal static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var command = new FireDueSchedulesCommand(clock.GetUtcNow());
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var sleep = await FireDueAsync(command, stoppingToken);
                await Task.Delay(sleep, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped while sleeping or firing; a fire cut short is handled again by the next pass of any host.
        }
    }

    private async Task<TimeSpan> FireDueAsync(FireDueSchedulesCommand command, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var next = await scope.ServiceProvider.GetRequiredService<IFireDueSchedules>().FireDueAsync(command, stoppingToken);
            var untilNext = (next ?? DateTimeOffset.MaxValue) - clock.GetUtcNow();
            return untilNext < TimeSpan.Zero ? TimeSpan.Zero : untilNext > LongestSleep ? LongestSleep : untilNext;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogPassFailed(exception, FailureBackoff);
            return FailureBackoff;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firing the due schedules failed; trying again in {Delay}")]
    private partial void LogPassFailed(Exception exception, TimeSpan delay);
}
