using GoFlow.Application.Tests.Builders;
using GoFlow.Application.UseCases;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Application.Telemetry;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Application.Tests.UseCases;

public sealed class ClaimTasksTests
{
    [Test]
    public async Task ClaimAsync_Always_AsksTheQueueForTheLeasePolicysLeaseFromNow()
    {
        var queue = new Mock<ITaskQueue>();
        queue.Setup(q => q.ClaimAsync(It.IsAny<ClaimRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        using var telemetry = new TestTelemetry();
        var leases = Mock.Of<ILeasePolicy>(policy => policy.LeaseDuration == TimeSpan.FromSeconds(45));
        var useCase = new ClaimTasks(queue.Object, leases, telemetry.Engine, new FakeTimeProvider(TestDefinitions.Now));

        await useCase.ClaimAsync(new ClaimTasksCommand("worker-1", 10), default);

        var expected = new ClaimRequest("worker-1", 10, TestDefinitions.Now, TestDefinitions.Now.AddSeconds(45));
        queue.Verify(q => q.ClaimAsync(expected, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task ClaimAsync_TasksClaimed_RecordsHowLongEachWaitedSinceItWasDue()
    {
        var due = TestDefinitions.Now.AddMilliseconds(-250);
        var task = new ClaimedTaskBuilder().Build() with { ScheduledAt = due };
        var queue = new Mock<ITaskQueue>();
        queue.Setup(q => q.ClaimAsync(It.IsAny<ClaimRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync([task]);
        using var telemetry = new TestTelemetry();
        using var latency = new MetricCollector<double>(telemetry, EngineTelemetry.Name, "goflow.task.pickup_latency");

        await new ClaimTasks(queue.Object, TestLease.Policy, telemetry.Engine, new FakeTimeProvider(TestDefinitions.Now))
            .ClaimAsync(new ClaimTasksCommand("worker-1", 10), default);

        Assert.That(latency.GetMeasurementSnapshot().Single().Value, Is.EqualTo(0.25).Within(1e-9));
    }
}
