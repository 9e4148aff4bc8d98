using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoFlow.Worker;

/// <summary>
/// Takes back, every <see cref="WorkerOptions.RecoveryInterval"/>, the RUNNING tasks whose lease ended: their worker
/// died or stalled (ADR 0007), and fails the signal steps whose timeout came (ADR 0020). Any number of hosts may sweep
/// at once: the store skips the rows another sweep holds.
/// </summary>
internal sealed partial class ExpiredLeaseSweeper(
    IServiceScopeFactory scopes,
    IOptions<WorkerOptions> options,
    TimeProvider clock,
    ILogger<ExpiredLeaseSweeper> logger) : BackgroundService
{
    /// <summary>The most expired tasks one sweep takes back; the rest wait for the next interval.</summary>
    internal const int BatchSize = 100;

    private readonly WorkerOptions _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodically.RepeatAsync(
            _options.RecoveryInterval, clock, SweepAsync, LogSweepFailed, runAtStart: false, stoppingToken);

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var recover = scope.ServiceProvider.GetRequiredService<IRecoverExpiredTasks>();
        var recovered = await recover.RecoverAsync(BatchSize, cancellationToken);
        if (recovered > 0)
        {
            LogRecovered(recovered);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Took back {Count} tasks whose lease had expired")]
    private partial void LogRecovered(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Taking back expired tasks failed; trying again at the next interval")]
    private partial void LogSweepFailed(Exception exception);
}
