using GoFlow.Application.Telemetry;
using GoFlow.Application.Tests.Builders;
using GoFlow.Application.UseCases;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Application.Tests.UseCases;

public sealed class LeaseUpkeepTests
{
    private readonly Mock<ITaskQueue> _queue = new();
    private readonly Mock<ISignalInbox> _signals = new();
    private readonly Mock<IWorkAvailableSignal> _workAvailable = new();
    private readonly FakeTimeProvider _clock = new(TestDefinitions.Now);
    private readonly TestTelemetry _telemetry = new();

    [SetUp]
    public void NoSignalStepTimesOut() =>
        _signals.Setup(inbox => inbox.FailTimedOutAsync(It.IsAny<DateTimeOffset>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([]);

    [TearDown]
    public void DisposeTelemetry() => _telemetry.Dispose();

    [Test]
    public async Task RenewAsync_TasksHeld_ExtendsTheirLeaseByTheLeasePolicysLengthFromNow()
    {
        TaskClaim[] held = [new(new TaskId(1), 1), new(new TaskId(2), 3)];
        _queue.Setup(q => q.RenewLeasesAsync(It.IsAny<LeaseRenewal>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([new TaskId(2)]);

        var leases = Mock.Of<ILeasePolicy>(policy => policy.LeaseDuration == TimeSpan.FromSeconds(45));
        var stillHeld = await new RenewLeases(_queue.Object, leases, _clock)
            .RenewAsync(new RenewLeasesCommand("worker-1", held), default);

        Assert.That(stillHeld, Is.EqualTo(new[] { new TaskId(2) }));
        _queue.Verify(q => q.RenewLeasesAsync(
            It.Is<LeaseRenewal>(r => r.Owner == "worker-1" && r.Tasks.SequenceEqual(held)
                && r.LeaseExpiresAt == TestDefinitions.Now.AddSeconds(45) && r.Now == TestDefinitions.Now),
            It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task RenewAsync_NothingRunning_AsksTheStoreNothing()
    {
        var stillHeld = await new RenewLeases(_queue.Object, TestLease.Policy, _clock)
            .RenewAsync(new RenewLeasesCommand("worker-1", []), default);

        Assert.That(stillHeld, Is.Empty);
        _queue.VerifyNoOtherCalls();
    }

    [TestCase(0, false)]
    [TestCase(4, true)]
    public async Task RecoverAsync_TasksTakenBack_WakeTheWorkerOnlyWhenThereAreAny(int recovered, bool wakes)
    {
        _queue.Setup(q => q.RecoverExpiredLeasesAsync(TestDefinitions.Now, 100, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new RecoveredLeases(recovered, []));

        var count = await new RecoverExpiredTasks(_queue.Object, _signals.Object, _workAvailable.Object, _telemetry.Engine, _clock).RecoverAsync(100, default);

        Assert.That(count, Is.EqualTo(recovered));
        _workAvailable.Verify(signal => signal.Notify(), wakes ? Times.Once() : Times.Never());
    }

    [Test]
    public async Task RecoverAsync_SignalStepsTimedOut_FailedAsOfNowAndCountedAsFailedWorkflows()
    {
        _queue.Setup(q => q.RecoverExpiredLeasesAsync(TestDefinitions.Now, 100, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new RecoveredLeases(0, []));
        _signals.Setup(inbox => inbox.FailTimedOutAsync(TestDefinitions.Now, 100, It.IsAny<CancellationToken>()))
            .ReturnsAsync(["Approval"]);
        using var failed = new MetricCollector<long>(_telemetry, EngineTelemetry.Name, "goflow.workflows.failed");

        await new RecoverExpiredTasks(_queue.Object, _signals.Object, _workAvailable.Object, _telemetry.Engine, _clock).RecoverAsync(100, default);

        Assert.That(failed.GetMeasurementSnapshot().Select(m => m.Tags["workflow_name"]), Is.EqualTo(new[] { "Approval" }));
    }

    [Test]
    public async Task RecoverAsync_WorkflowsFailedBySweep_CountedInWorkflowsFailedByName()
    {
        _queue.Setup(q => q.RecoverExpiredLeasesAsync(TestDefinitions.Now, 100, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new RecoveredLeases(3, ["OrderProcess", "OrderProcess"]));
        using var failed = new MetricCollector<long>(_telemetry, EngineTelemetry.Name, "goflow.workflows.failed");

        await new RecoverExpiredTasks(_queue.Object, _signals.Object, _workAvailable.Object, _telemetry.Engine, _clock).RecoverAsync(100, default);

        var measurements = failed.GetMeasurementSnapshot();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(measurements.Sum(m => m.Value), Is.EqualTo(2), "one per workflow the sweep failed");
            Assert.That(measurements.Select(m => m.Tags["workflow_name"]), Is.All.EqualTo("OrderProcess"));
        }
    }

    [Test]
    public async Task ReleaseAsync_Held_HandsTheTaskBackNowAndWakesTheWorker()
    {
        var task = new ClaimedTaskBuilder().Build();
        _queue.Setup(q => q.ReleaseAsync(task, TestDefinitions.Now, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var released = await new ReleaseTask(_queue.Object, _workAvailable.Object, _clock).ReleaseAsync(task, default);

        Assert.That(released, Is.True);
        _workAvailable.Verify(signal => signal.Notify(), Times.Once);
    }
}
