using System.Text.Json;
using GoFlow.Application.Tasks;
using GoFlow.Application.Tests.Builders;
using GoFlow.Application.UseCases;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Application.Telemetry;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Application.Tests.UseCases;

public sealed class StartWorkflowTests
{
    private readonly Mock<IWorkflowRepository> _repository = new();
    private readonly Mock<IWorkAvailableSignal> _workAvailable = new();
    private readonly FakeTimeProvider _clock = new(TestDefinitions.Now);
    private readonly TestTelemetry _telemetry = new();

    [TearDown]
    public void DisposeTelemetry() => _telemetry.Dispose();

    [Test]
    public async Task StartAsync_KnownWorkflow_StoresPendingWorkflowWithItsFirstTask()
    {
        IReadOnlyList<NewWorkflow>? group = null;
        _repository
            .Setup(repository => repository.CreateManyAsync(It.IsAny<IReadOnlyList<NewWorkflow>>(), It.IsAny<CancellationToken>()))
            .Callback((IReadOnlyList<NewWorkflow> workflows, CancellationToken _) => group = workflows)
            .Returns(Task.CompletedTask);

        var result = await CreateUseCase().StartAsync(Command("OrderProcess", """{"order_id": "A-1"}"""), default);

        var started = result as StartWorkflowResult.Started;
        Assert.That(started, Is.Not.Null);
        Assert.That(group, Has.Count.EqualTo(1), "stored in one write of its own on an idle system");
        var (stored, firstTask) = group![0];
        Assert.Multiple(() =>
        {
            Assert.That(stored.Status, Is.EqualTo(WorkflowStatus.Pending));
            Assert.That(stored.WorkflowName, Is.EqualTo("OrderProcess"));
            Assert.That(stored.CurrentInput, Is.EqualTo("""{"order_id": "A-1"}"""));
            Assert.That(stored.CreatedAt, Is.EqualTo(TestDefinitions.Now));
            Assert.That(firstTask.TaskName, Is.EqualTo("ValidateOrder"));
            Assert.That(firstTask.StepIndex, Is.Zero);
            Assert.That(firstTask.InputPayload, Is.EqualTo("""{"order_id": "A-1"}"""));
            Assert.That(started!.Workflow.Id, Is.EqualTo(stored.Id));
            Assert.That(started.Workflow.Status, Is.EqualTo(WorkflowStatus.Pending));
        });
    }

    [Test]
    public async Task StartAsync_ClockFinerThanTheStoreKeeps_AnswersTheTimesAsTheStoreKeepsThem()
    {
        _clock.SetUtcNow(TestDefinitions.Now.AddTicks(7));
        var result = await CreateUseCase().StartAsync(Command("OrderProcess", "{}"), default);

        var workflow = ((StartWorkflowResult.Started)result).Workflow;
        Assert.That((workflow.CreatedAt, workflow.UpdatedAt), Is.EqualTo((TestDefinitions.Now, TestDefinitions.Now)),
            "cut to the store's microsecond, so the answer equals what is read back");
    }

    [Test]
    public async Task StartAsync_PayloadLeftOut_StartsOnEmptyObject()
    {
        var result = await CreateUseCase().StartAsync(new StartWorkflowCommand("UserOnboarding", null), default);

        Assert.That(((StartWorkflowResult.Started)result).Workflow.CurrentInput, Is.EqualTo("{}"));
    }

    [Test]
    public async Task StartAsync_Started_WakesTheWorker()
    {
        await CreateUseCase().StartAsync(Command("OrderProcess", "{}"), default);

        _workAvailable.Verify(signal => signal.Notify(), Times.Once);
    }

    [Test]
    public async Task StartAsync_Started_CountsTheWorkflowByName()
    {
        using var started = new MetricCollector<long>(_telemetry, EngineTelemetry.Name, "goflow.workflows.started");

        await CreateUseCase().StartAsync(Command("OrderProcess", "{}"), default);

        var measurement = started.GetMeasurementSnapshot().Single();
        Assert.That(measurement.Value, Is.EqualTo(1));
        Assert.That(measurement.Tags["workflow_name"], Is.EqualTo("OrderProcess"));
    }

    [TestCase(null)]
    [TestCase("")]
    public async Task StartAsync_MissingWorkflowName_IsInvalidAndStoresNothing(string? workflowName)
    {
        var result = await CreateUseCase().StartAsync(new StartWorkflowCommand(workflowName, null), default);

        var invalid = result as StartWorkflowResult.Invalid;
        Assert.That(invalid, Is.Not.Null);
        Assert.That(invalid!.Errors["workflow_name"], Has.Some.Contains("required"));
        VerifyNothingStored();
    }

    [Test]
    public async Task StartAsync_UnknownWorkflowName_IsInvalidAndListsTheDefinedWorkflows()
    {
        var result = await CreateUseCase().StartAsync(Command("Payroll", "{}"), default);

        var message = ((StartWorkflowResult.Invalid)result).Errors["workflow_name"].Single();
        Assert.That(message, Does.Contain("Payroll").And.Contain("OrderProcess").And.Contain("UserOnboarding"));
        VerifyNothingStored();
    }

    [Test]
    public async Task StartAsync_WorkflowNameLongerThanTheColumn_IsInvalid()
    {
        var result = await CreateUseCase().StartAsync(Command(new string('x', 256), "{}"), default);

        Assert.That(((StartWorkflowResult.Invalid)result).Errors, Contains.Key("workflow_name"));
        VerifyNothingStored();
    }

    [TestCase("[1, 2]")]
    [TestCase("\"text\"")]
    [TestCase("42")]
    [TestCase("null")]
    public async Task StartAsync_PayloadNotAnObject_IsInvalidAndStoresNothing(string payload)
    {
        var result = await CreateUseCase().StartAsync(Command("OrderProcess", payload), default);

        var invalid = result as StartWorkflowResult.Invalid;
        Assert.That(invalid, Is.Not.Null);
        Assert.That(invalid!.Errors["input_payload"], Has.Some.Contains("JSON object"));
        VerifyNothingStored();
    }

    [Test]
    public async Task StartAsync_StartAtLater_StoresTheWorkflowNowWithItsFirstTaskDueThen()
    {
        IReadOnlyList<NewWorkflow>? group = null;
        _repository
            .Setup(repository => repository.CreateManyAsync(It.IsAny<IReadOnlyList<NewWorkflow>>(), It.IsAny<CancellationToken>()))
            .Callback((IReadOnlyList<NewWorkflow> workflows, CancellationToken _) => group = workflows)
            .Returns(Task.CompletedTask);
        var startAt = new DateTimeOffset(TestDefinitions.Now.AddDays(2).UtcDateTime, TimeSpan.Zero).ToOffset(TimeSpan.FromHours(-5));

        await CreateUseCase().StartAsync(new StartWorkflowCommand("OrderProcess", null, StartAt: startAt.AddTicks(7)), default);

        var (stored, firstTask) = group![0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored.CreatedAt, Is.EqualTo(TestDefinitions.Now), "stored at once");
            Assert.That(firstTask.ScheduledAt, Is.EqualTo(startAt), "due then, cut to the microseconds a store keeps");
            Assert.That(firstTask.ScheduledAt.Offset, Is.EqualTo(TimeSpan.Zero));
        }
    }

    [Test]
    public async Task StartAsync_StartAtMoreThanTenYearsAhead_IsInvalidAndStoresNothing()
    {
        var result = await CreateUseCase().StartAsync(
            new StartWorkflowCommand("OrderProcess", null, StartAt: TestDefinitions.Now.AddYears(11)), default);

        Assert.That(((StartWorkflowResult.Invalid)result).Errors["start_at"].Single(), Does.Contain("10 years"));
        VerifyNothingStored();
    }

    [Test]
    public void Fingerprint_SameStartInAnotherOffset_IsTheSameRequestAndAnotherStartIsNot()
    {
        var startAt = new DateTimeOffset(2026, 5, 1, 7, 0, 0, TimeSpan.Zero);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(StartWorkflow.Fingerprint("A", "{}", startAt), Is.EqualTo(StartWorkflow.Fingerprint("A", "{}", startAt.ToOffset(TimeSpan.FromHours(2)))));
            Assert.That(StartWorkflow.Fingerprint("A", "{}", startAt), Is.Not.EqualTo(StartWorkflow.Fingerprint("A", "{}", startAt.AddSeconds(1))));
            Assert.That(StartWorkflow.Fingerprint("A", "{}", startAt), Is.Not.EqualTo(StartWorkflow.Fingerprint("A", "{}")));
        }
    }

    private static StartWorkflowCommand Command(string workflowName, string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return new StartWorkflowCommand(workflowName, document.RootElement.Clone());
    }

    private StartWorkflow CreateUseCase()
    {
        var definitions = TestDefinitions.Port();
        return new StartWorkflow(
            new StartWorkflowCommandValidator(_clock),
            definitions,
            _repository.Object,
            new CreationGroupCommit(_repository.Object, TestStoreLimits.Microseconds),
            _workAvailable.Object,
            _telemetry.Engine,
            _clock,
            TestStoreLimits.Microseconds);
    }

    private void VerifyNothingStored()
    {
        _repository.VerifyNoOtherCalls();
        _workAvailable.VerifyNoOtherCalls();
    }
}
