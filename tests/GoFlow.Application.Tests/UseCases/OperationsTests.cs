using System.Text.Json;
using GoFlow.Application.Tasks;
using GoFlow.Application.Tests.Builders;
using GoFlow.Application.UseCases;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Application.Tests.UseCases;

/// <summary>The operator's use cases: idempotent start, cancel, retry from the failed step, retention.</summary>
public sealed class OperationsTests
{
    private readonly Mock<IWorkflowRepository> _repository = new();
    private readonly Mock<IWorkAvailableSignal> _workAvailable = new();
    private readonly FakeTimeProvider _clock = new(TestDefinitions.Now);
    private readonly TestTelemetry _telemetry = new();

    [TearDown]
    public void DisposeTelemetry() => _telemetry.Dispose();

    [Test]
    public async Task StartAsync_NewIdempotencyKey_StoresOnceUnderTheKeyAndTheRequestFingerprint()
    {
        IdempotencyKey? stored = null;
        _repository.Setup(r => r.CreateOnceAsync(
                It.IsAny<WorkflowInstance>(), It.IsAny<WorkflowTask>(), It.IsAny<IdempotencyKey>(), It.IsAny<CancellationToken>()))
            .Callback((WorkflowInstance _, WorkflowTask _, IdempotencyKey key, CancellationToken _) => stored = key)
            .ReturnsAsync(new IdempotentCreateResult.Created());

        var result = await Start(Command("OrderProcess", """{"order_id":"A-1"}""", "key-1"));

        Assert.That(result, Is.InstanceOf<StartWorkflowResult.Started>());
        Assert.That(stored!.Key, Is.EqualTo("key-1"));
        Assert.That(stored.RequestFingerprint, Is.EqualTo(StartWorkflow.Fingerprint("OrderProcess", """{"order_id":"A-1"}""")));
        _repository.Verify(r => r.CreateManyAsync(It.IsAny<IReadOnlyList<NewWorkflow>>(), It.IsAny<CancellationToken>()), Times.Never);
        _workAvailable.Verify(s => s.Notify(), Times.Once);
    }

    [Test]
    public async Task StartAsync_KeyUsedBySameRequest_ReturnsTheWorkflowItStarted()
    {
        var existing = View(WorkflowStatus.Running);
        KeyTakenBy(existing, StartWorkflow.Fingerprint("OrderProcess", """{"order_id":"A-1"}"""));

        var result = await Start(Command("OrderProcess", """{"order_id":"A-1"}""", "key-1"));

        Assert.That(result, Is.EqualTo(new StartWorkflowResult.AlreadyStarted(existing)));
        _workAvailable.VerifyNoOtherCalls();
    }

    [TestCase("OrderProcess", """{"order_id":"A-2"}""")]
    [TestCase("OrderProcess", """{"order_id": "A-1"}""")]
    [TestCase("UserOnboarding", """{"order_id":"A-1"}""")]
    public async Task StartAsync_KeyUsedByDifferentRequest_IsRefusedNamingTheKey(string workflowName, string payload)
    {
        KeyTakenBy(View(WorkflowStatus.Running), StartWorkflow.Fingerprint("OrderProcess", """{"order_id":"A-1"}"""));

        var result = await Start(Command(workflowName, payload, "key-1"));

        Assert.That(result, Is.InstanceOf<StartWorkflowResult.KeyReused>());
        Assert.That(((StartWorkflowResult.KeyReused)result).Detail, Does.Contain("key-1"));
    }

    [TestCase("")]
    [TestCase("line\nbreak")]
    public async Task StartAsync_MalformedIdempotencyKey_IsInvalidAndStoresNothing(string key)
    {
        var result = await Start(Command("OrderProcess", "{}", key));

        Assert.That(((StartWorkflowResult.Invalid)result).Errors, Contains.Key("idempotency_key"));
        _repository.VerifyNoOtherCalls();
    }

    [Test]
    public async Task StartAsync_IdempotencyKeyLongerThanTheColumn_IsInvalid()
    {
        var result = await Start(Command("OrderProcess", "{}", new string('k', 256)));

        Assert.That(((StartWorkflowResult.Invalid)result).Errors, Contains.Key("idempotency_key"));
    }

    [Test]
    public async Task CancelAsync_Always_AsksTheStoreToCancelNow()
    {
        var id = WorkflowId.New(TestDefinitions.Now);
        var changed = new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Cancelled);
        _repository.Setup(r => r.CancelAsync(id, TestDefinitions.Now, It.IsAny<CancellationToken>())).ReturnsAsync(changed);

        var result = await new CancelWorkflow(_repository.Object, _clock).CancelAsync(id, default);

        Assert.That(result, Is.EqualTo(changed));
    }

    [Test]
    public async Task RetryAsync_FailedWorkflow_RetriesTheFailedStepWithItsPolicysBudgetAndWakesTheWorker()
    {
        var workflow = View(WorkflowStatus.Failed);
        FindReturns(workflow, Task(0, WorkflowTaskStatus.Completed), Task(1, WorkflowTaskStatus.Failed));
        WorkflowRetry? asked = null;
        _repository.Setup(r => r.RetryAsync(It.IsAny<WorkflowRetry>(), It.IsAny<CancellationToken>()))
            .Callback((WorkflowRetry retry, CancellationToken _) => asked = retry)
            .ReturnsAsync(new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Pending));

        var result = await Retry().RetryAsync(workflow.Id, default);

        Assert.That(result.Outcome, Is.EqualTo(WorkflowChangeOutcome.Changed));
        Assert.That(asked, Is.EqualTo(new WorkflowRetry(workflow.Id, 1, TestDefinitions.Policy.MaxAttempts, TestDefinitions.Now, DueAt: TestDefinitions.Now)));
        _workAvailable.Verify(s => s.Notify(), Times.Once);
    }

    [Test]
    public async Task RetryAsync_DelayedStartCancelledBeforeItsTime_KeepsTheStartTime()
    {
        var startAt = TestDefinitions.Now.AddHours(3);
        var workflow = View(WorkflowStatus.Cancelled);
        FindReturns(workflow, Task(0, WorkflowTaskStatus.Cancelled) with { Attempt = 0, ScheduledAt = startAt });
        WorkflowRetry? asked = null;
        _repository.Setup(r => r.RetryAsync(It.IsAny<WorkflowRetry>(), It.IsAny<CancellationToken>()))
            .Callback((WorkflowRetry retry, CancellationToken _) => asked = retry)
            .ReturnsAsync(new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Pending));

        await Retry().RetryAsync(workflow.Id, default);

        Assert.That(asked?.DueAt, Is.EqualTo(startAt), "not run before the time the start asked for");
        Assert.That(asked?.Now, Is.EqualTo(TestDefinitions.Now));
    }

    [TestCase(WorkflowStatus.Pending)]
    [TestCase(WorkflowStatus.Running)]
    [TestCase(WorkflowStatus.Completed)]
    public async Task RetryAsync_NeitherFailedNorCancelled_IsAConflictAndChangesNothing(WorkflowStatus status)
    {
        var workflow = View(status);
        FindReturns(workflow, Task(0, WorkflowTaskStatus.Running));

        var result = await Retry().RetryAsync(workflow.Id, default);

        Assert.That(result, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, status)));
        _repository.Verify(r => r.RetryAsync(It.IsAny<WorkflowRetry>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task RetryAsync_UnknownWorkflow_IsNotFound()
    {
        var result = await Retry().RetryAsync(WorkflowId.New(TestDefinitions.Now), default);

        Assert.That(result.Outcome, Is.EqualTo(WorkflowChangeOutcome.NotFound));
    }

    [Test]
    public async Task PurgeAsync_Always_DeletesWhatFinishedBeforeTheRetentionAge()
    {
        var retention = new Mock<IWorkflowRetention>();
        retention.Setup(r => r.DeleteFinishedAsync(TestDefinitions.Now.AddDays(-7), 500, It.IsAny<CancellationToken>()))
            .ReturnsAsync(12);

        var deleted = await new PurgeFinishedWorkflows(retention.Object, _clock).PurgeAsync(TimeSpan.FromDays(7), 500, default);

        Assert.That(deleted, Is.EqualTo(12));
    }

    private static StartWorkflowCommand Command(string workflowName, string payload, string key)
    {
        using var document = JsonDocument.Parse(payload);
        return new StartWorkflowCommand(workflowName, document.RootElement.Clone(), key);
    }

    private static WorkflowView View(WorkflowStatus status) => new(
        WorkflowId.New(TestDefinitions.Now), "OrderProcess", status, "{}", TestDefinitions.Now, TestDefinitions.Now);

    private static TaskView Task(int step, WorkflowTaskStatus status) => new(
        new TaskId(step + 1), step, TestDefinitions.OrderProcess.TaskNames[step], status, 3, 3, TestDefinitions.Now,
        "{}", null, status == WorkflowTaskStatus.Failed ? "boom" : null, TestDefinitions.Now, TestDefinitions.Now);

    private void FindReturns(WorkflowView workflow, params TaskView[] tasks) =>
        _repository.Setup(r => r.FindAsync(workflow.Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WorkflowDetails(workflow, tasks));

    private void KeyTakenBy(WorkflowView existing, string fingerprint) =>
        _repository.Setup(r => r.CreateOnceAsync(
                It.IsAny<WorkflowInstance>(), It.IsAny<WorkflowTask>(), It.IsAny<IdempotencyKey>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new IdempotentCreateResult.KeyTaken(existing, fingerprint));

    private Task<StartWorkflowResult> Start(StartWorkflowCommand command)
    {
        var definitions = TestDefinitions.Port();
        return new StartWorkflow(
            new StartWorkflowCommandValidator(TimeProvider.System),
            definitions,
            _repository.Object,
            new CreationGroupCommit(_repository.Object, TestStoreLimits.Microseconds),
            _workAvailable.Object,
            _telemetry.Engine,
            _clock,
            TestStoreLimits.Microseconds).StartAsync(command, default);
    }

    private RetryWorkflow Retry() => new(_repository.Object, TestDefinitions.Port(), _workAvailable.Object, _clock);
}
