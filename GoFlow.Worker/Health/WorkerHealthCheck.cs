using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GoFlow.Worker.Health;

/// <summary>Ready while the task worker's claim loop runs: started, and neither ended nor faulted.</summary>
internal sealed class WorkerHealthCheck(WorkerLoopState state) : IHealthCheck
{
    public const string Name = "worker";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(state.Status switch
        {
            WorkerLoopStatus.Running => HealthCheckResult.Healthy("The worker loop is running."),
            WorkerLoopStatus.NotStarted => HealthCheckResult.Unhealthy("The worker loop has not started yet."),
            WorkerLoopStatus.Ended => HealthCheckResult.Unhealthy("The worker loop has ended."),
            _ => HealthCheckResult.Unhealthy("The worker loop stopped on an error; the log has the details."),
        });
}
