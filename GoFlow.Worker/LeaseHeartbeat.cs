using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoFlow.Worker;

/// <summary>
/// Renews the leases of the tasks this process runs every <see cref="WorkerOptions.HeartbeatInterval"/>, and stops a
/// task whose lease was lost (taken over after a stall, or its workflow cancelled) by firing its handler's token: its
/// result would be rejected anyway (ADR 0007).
/// </summary>
/// <remarks>
/// The heartbeat outlives the claim loop: when the host stops, the running tasks get until the shutdown timeout to
/// finish, and their leases must hold meanwhile. So stopping waits until no task runs, or until the host's shutdown
/// deadline, whichever comes first. The heartbeat is registered before <see cref="TaskWorker"/> so that a host,
/// which stops its services in reverse order, asks it to stop after the worker.
/// </remarks>
internal sealed partial class LeaseHeartbeat(
    IServiceScopeFactory scopes,
    RunningAttempts runningAttempts,
    IOptions<WorkerOptions> options,
    TimeProvider clock,
    ILogger<LeaseHeartbeat> logger) : BackgroundService
{
    private readonly WorkerOptions _options = options.Value;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await runningAttempts.WhenEmptyAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The shutdown deadline passed: the worker released what still runs, no lease is worth renewing.
        }

        await base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodically.RepeatAsync(
            _options.HeartbeatInterval, clock, RenewLeasesAsync, LogRenewalFailed, runAtStart: false, stoppingToken);

    private async Task RenewLeasesAsync(CancellationToken cancellationToken)
    {
        var running = runningAttempts.Snapshot();
        if (running.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var renewLeases = scope.ServiceProvider.GetRequiredService<IRenewLeases>();
        var command = new RenewLeasesCommand(
            _options.WorkerId,
            [.. running.Select(r => new TaskClaim(r.Task.Id, r.Task.Attempt))]);
        var held = await renewLeases.RenewAsync(command, cancellationToken);
        runningAttempts.StopLost(running, held.ToHashSet());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing leases failed; trying again at the next heartbeat")]
    private partial void LogRenewalFailed(Exception exception);
}
