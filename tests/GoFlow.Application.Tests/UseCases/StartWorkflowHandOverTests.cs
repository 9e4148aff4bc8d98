using GoFlow.Application.Tasks;
using GoFlow.Application.Tests.Builders;
using GoFlow.Application.UseCases;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Application.Tests.UseCases;

/// <summary>A start that hands its first task to the worker of its own process (ADR 0037): the application's offer.</summary>
public sealed class StartWorkflowHandOverTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly Mock<IWorkflowRepository> _repository = new();
    private readonly Mock<IWorkAvailableSignal> _workAvailable = new();
    private readonly Mock<ILocalWorkerSlots> _localWorker = new();
    private readonly Mock<IHandOverSlot> _slot = new();
    private readonly Mock<ILeasePolicy> _leases = new();
    private readonly FakeTimeProvider _clock = new(TestDefinitions.Now);
    private readonly TestTelemetry _telemetry = new();
    private readonly List<IReadOnlyList<NewWorkflow>> _writes = [];

    [SetUp]
    public void AWorkerWithAFreeSlot()
    {
        _slot.Setup(slot => slot.WorkerId).Returns("worker-7");
        _localWorker.Setup(worker => worker.TryTake()).Returns(_slot.Object);
        _leases.Setup(leases => leases.LeaseDuration).Returns(Lease);
        _repository
            .Setup(repository => repository.CreateManyAsync(It.IsAny<IReadOnlyList<NewWorkflow>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IReadOnlyList<NewWorkflow> workflows, DateTimeOffset now, CancellationToken _) =>
            {
                _writes.Add(workflows);
                return [.. workflows.Select(workflow => workflow.HandOver is null ? null : ClaimedTask.FirstHandedOver(new TaskId(99), workflow, now))];
            });
    }

    [TearDown]
    public void DisposeTelemetry() => _telemetry.Dispose();

    [Test]
    public async Task StartAsync_WorkerHasAFreeSlot_StoresTheStartWithItsFirstTaskHandedOverToThatWorker()
    {
        var result = await CreateUseCase().StartAsync(new StartWorkflowCommand("OrderProcess", null), default);

        var stored = _writes.Single().Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored.HandOver, Is.Not.Null, "handed over");
            Assert.That(stored.HandOver?.Holder, Is.EqualTo("worker-7"));
            Assert.That(stored.HandOver?.LeaseDuration, Is.EqualTo(Lease), "a claim's lease length, from the lease policy");
            Assert.That(stored.Status, Is.EqualTo(WorkflowStatus.Running));
            Assert.That(((StartWorkflowResult.Started)result).Workflow.Status, Is.EqualTo(WorkflowStatus.Running), "answered as stored");
        }
    }

    [Test]
    public async Task StartAsync_HandedOver_RunsTheCommittedTaskInTheSlotAndWakesNoClaim()
    {
        ClaimedTask? ran = null;
        _slot.Setup(slot => slot.Run(It.IsAny<ClaimedTask>())).Callback((ClaimedTask task) => ran = task);

        await CreateUseCase().StartAsync(new StartWorkflowCommand("OrderProcess", null), default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ran?.Id, Is.EqualTo(new TaskId(99)), "the task the store committed");
            Assert.That(ran?.LeaseOwner, Is.EqualTo("worker-7"));
            Assert.That(ran?.Attempt, Is.EqualTo(1));
            Assert.That(ran?.LeaseExpiresAt, Is.EqualTo(TestDefinitions.Now + Lease));
        }

        _slot.Verify(slot => slot.Free(), Times.Never);
        // Nothing waits PENDING: a claim woken for it would find nothing.
        _workAvailable.Verify(signal => signal.Notify(), Times.Never);
    }

    [Test]
    public async Task StartAsync_NoFreeSlot_StoresItPendingAndWakesTheClaimLoop()
    {
        _localWorker.Setup(worker => worker.TryTake()).Returns((IHandOverSlot?)null);

        var result = await CreateUseCase().StartAsync(new StartWorkflowCommand("OrderProcess", null), default);

        Assert.That(_writes.Single().Single().HandOver, Is.Null);
        Assert.That(((StartWorkflowResult.Started)result).Workflow.Status, Is.EqualTo(WorkflowStatus.Pending));
        _workAvailable.Verify(signal => signal.Notify(), Times.Once);
    }

    [Test]
    public void StartAsync_CommitFails_FreesTheSlotAndRunsNothing()
    {
        var outage = new StoreUnavailableException("down", new TimeoutException());
        _repository
            .Setup(repository => repository.CreateManyAsync(It.IsAny<IReadOnlyList<NewWorkflow>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(outage);

        Assert.That(
            async () => await CreateUseCase().StartAsync(new StartWorkflowCommand("OrderProcess", null), default).WaitAsync(Deadline),
            Throws.Exception.SameAs(outage));
        _slot.Verify(slot => slot.Free(), Times.Once);
        _slot.Verify(slot => slot.Run(It.IsAny<ClaimedTask>()), Times.Never);
    }

    [Test]
    public async Task StartAsync_StartAtLater_TakesNoSlotAndStoresItPending()
    {
        await CreateUseCase().StartAsync(
            new StartWorkflowCommand("OrderProcess", null, StartAt: TestDefinitions.Now.AddMinutes(5)), default);

        Assert.That(_writes.Single().Single().HandOver, Is.Null);
        _localWorker.Verify(worker => worker.TryTake(), Times.Never);
    }

    [Test]
    public async Task StartAsync_IdempotencyKey_TakesNoSlotAndStoresItPendingInItsOwnTransaction()
    {
        _repository
            .Setup(repository => repository.CreateOnceAsync(
                It.IsAny<WorkflowInstance>(), It.IsAny<WorkflowTask>(), It.IsAny<IdempotencyKey>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new IdempotentCreateResult.Created());

        var result = await CreateUseCase().StartAsync(
            new StartWorkflowCommand("OrderProcess", null, IdempotencyKey: "order-1"), default);

        Assert.That(((StartWorkflowResult.Started)result).Workflow.Status, Is.EqualTo(WorkflowStatus.Pending));
        _localWorker.Verify(worker => worker.TryTake(), Times.Never);
        _workAvailable.Verify(signal => signal.Notify(), Times.Once);
    }

    private StartWorkflow CreateUseCase() =>
        new(
            new StartWorkflowCommandValidator(_clock),
            TestDefinitions.Port(),
            _repository.Object,
            new CreationGroupCommit(_repository.Object, _clock, TestStoreLimits.Microseconds),
            _workAvailable.Object,
            _localWorker.Object,
            _leases.Object,
            _telemetry.Engine,
            _clock,
            TestStoreLimits.Microseconds);
}
