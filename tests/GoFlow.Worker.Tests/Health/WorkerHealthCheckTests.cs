using GoFlow.Worker.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GoFlow.Worker.Tests.Health;

public sealed class WorkerHealthCheckTests
{
    [Test]
    public async Task CheckHealthAsync_LoopNotStarted_IsUnhealthy()
    {
        var state = new WorkerLoopState();

        Assert.That(await CheckAsync(state), Is.EqualTo(HealthStatus.Unhealthy));
    }

    [Test]
    public async Task CheckHealthAsync_LoopRunning_IsHealthy()
    {
        var state = new WorkerLoopState();
        state.Started();

        Assert.That(await CheckAsync(state), Is.EqualTo(HealthStatus.Healthy));
    }

    [Test]
    public async Task CheckHealthAsync_LoopEnded_IsUnhealthy()
    {
        var state = new WorkerLoopState();
        state.Started();
        state.Ended();

        Assert.That(await CheckAsync(state), Is.EqualTo(HealthStatus.Unhealthy));
    }

    [Test]
    public async Task CheckHealthAsync_LoopFaulted_IsUnhealthy()
    {
        var state = new WorkerLoopState();
        state.Started();
        state.Faulted();

        Assert.That(await CheckAsync(state), Is.EqualTo(HealthStatus.Unhealthy));
    }

    private static async Task<HealthStatus> CheckAsync(WorkerLoopState state) =>
        (await new WorkerHealthCheck(state).CheckHealthAsync(new HealthCheckContext(), CancellationToken.None)).Status;
}
