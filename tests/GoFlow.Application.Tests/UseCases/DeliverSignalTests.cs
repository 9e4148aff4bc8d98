using System.Text;
using System.Text.Json;
using GoFlow.Application.Tasks;
using GoFlow.Application.Tests.Builders;
using GoFlow.Application.UseCases;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Application.Tests.UseCases;

public sealed class DeliverSignalTests
{
    private static readonly WorkflowId Id = WorkflowId.New(TestDefinitions.Now);

    private readonly Mock<IWorkflowRepository> _repository = new();
    private readonly Mock<ISignalInbox> _inbox = new();
    private readonly Mock<IWorkAvailableSignal> _workAvailable = new();
    private readonly FakeTimeProvider _clock = new(TestDefinitions.Now);
    private NewSignal? _stored;

    [SetUp]
    public void AWorkflowOfApproval()
    {
        var workflow = new WorkflowView(Id, TestDefinitions.Approval.Name, WorkflowStatus.Running, "{}", TestDefinitions.Now, TestDefinitions.Now);
        _repository.Setup(repository => repository.FindAsync(Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WorkflowDetails(workflow, []));
    }

    [Test]
    public async Task DeliverAsync_ASignalAStepWaitsFor_StoresItForThatStepAndWakesAWorkerWhenTheStepWaited()
    {
        StoreAnswers(signal => new SignalDeliveryResult.Delivered(Stored(signal), WokeTask: true));

        var result = await CreateUseCase().DeliverAsync(Command("""{"ok":true}""", "key-1"), default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result, Is.TypeOf<DeliverSignalResult.Delivered>());
            Assert.That(_stored!.StepIndex, Is.EqualTo(1), "the step that waits for 'approved'");
            Assert.That(_stored.Payload, Is.EqualTo("""{"ok":true}"""));
            Assert.That(_stored.Key!.Key, Is.EqualTo("key-1"));
            Assert.That(_stored.ReceivedAt, Is.EqualTo(TestDefinitions.Now));
        }

        _workAvailable.Verify(signal => signal.Notify(), Times.Once);
    }

    [Test]
    public async Task DeliverAsync_NoStepWaitsForTheName_Is404AndStoresNothing()
    {
        var result = await CreateUseCase().DeliverAsync(Command("{}", name: "rejected"), default);

        Assert.That(result, Is.TypeOf<DeliverSignalResult.NoStepWaits>());
        _inbox.VerifyNoOtherCalls();
    }

    [TestCase("")]
    [TestCase("approved\u0000")]
    [TestCase("appro ved")]
    [TestCase("ä")]
    public async Task DeliverAsync_ANameNoStepCanHave_IsNoStepWaitsWithoutEchoingIt(string name)
    {
        var result = await CreateUseCase().DeliverAsync(Command("{}", name: name), default);

        Assert.That(result, Is.TypeOf<DeliverSignalResult.NoStepWaits>());
        _inbox.VerifyNoOtherCalls();
    }

    [Test]
    public async Task DeliverAsync_UnknownWorkflow_IsNotFound()
    {
        var result = await CreateUseCase().DeliverAsync(new DeliverSignalCommand(WorkflowId.New(TestDefinitions.Now), "approved", Json("{}")), default);

        Assert.That(result, Is.TypeOf<DeliverSignalResult.WorkflowNotFound>());
        _inbox.VerifyNoOtherCalls();
    }

    [TestCase("[]")]
    [TestCase("null")]
    [TestCase("\"approved\"")]
    public async Task DeliverAsync_PayloadNotAnObject_IsInvalid(string payload)
    {
        var result = await CreateUseCase().DeliverAsync(Command(payload), default);

        Assert.That(result, Is.TypeOf<DeliverSignalResult.Invalid>());
        _inbox.VerifyNoOtherCalls();
    }

    [Test]
    public async Task DeliverAsync_PayloadLargerThanAStepOutputMayBe_IsInvalid()
    {
        var payload = "{\"text\":\"" + new string('x', 100) + "\"}";

        var result = await CreateUseCase(maxOutputBytes: Encoding.UTF8.GetByteCount(payload) - 1).DeliverAsync(Command(payload), default);

        Assert.That(result, Is.TypeOf<DeliverSignalResult.Invalid>());
        _inbox.VerifyNoOtherCalls();
    }

    [Test]
    public async Task DeliverAsync_TheSameRequestAgainUnderItsKey_AnswersAsTheFirstDid()
    {
        var first = Stored(new NewSignal(Id, "approved", 1, """{"ok":true}""", null, TestDefinitions.Now.AddMinutes(-5)));
        var useCase = CreateUseCase();
        StoreAnswers(signal => new SignalDeliveryResult.AlreadyReceived(
            first with { IdempotencyKey = signal.Key!.Key, RequestFingerprint = signal.Key.RequestFingerprint }));

        var result = await useCase.DeliverAsync(Command("""{"ok":true}""", "key-1"), default);

        Assert.That(result, Is.EqualTo(new DeliverSignalResult.AlreadyDelivered(
            new SignalReceipt(Id, "approved", first.ReceivedAt, WokeWaitingStep: false))));
        _workAvailable.VerifyNoOtherCalls();
    }

    [Test]
    public async Task DeliverAsync_TheSameKeyWithAnotherPayload_IsKeyReused()
    {
        StoreAnswers(signal => new SignalDeliveryResult.AlreadyReceived(
            Stored(signal) with { RequestFingerprint = "another request" }));

        var result = await CreateUseCase().DeliverAsync(Command("""{"ok":false}""", "key-1"), default);

        Assert.That(result, Is.TypeOf<DeliverSignalResult.KeyReused>());
    }

    [TestCase(null)]
    [TestCase("key-2")]
    public async Task DeliverAsync_TheSignalWasReceivedAlreadyByAnotherRequest_IsAConflict(string? key)
    {
        StoreAnswers(signal => new SignalDeliveryResult.AlreadyReceived(
            Stored(signal) with { IdempotencyKey = "key-1", RequestFingerprint = "first" }));

        var result = await CreateUseCase().DeliverAsync(Command("{}", key), default);

        Assert.That(result, Is.TypeOf<DeliverSignalResult.Conflict>());
    }

    [Test]
    public async Task DeliverAsync_FinishedWorkflow_IsAConflictNamingItsStatus()
    {
        StoreAnswers(_ => new SignalDeliveryResult.WorkflowFinished(WorkflowStatus.Completed));

        var result = await CreateUseCase().DeliverAsync(Command("{}"), default);

        Assert.That(result, Is.TypeOf<DeliverSignalResult.Conflict>());
        Assert.That(((DeliverSignalResult.Conflict)result).Detail, Does.Contain("COMPLETED"));
    }

    private void StoreAnswers(Func<NewSignal, SignalDeliveryResult> answer) =>
        _inbox.Setup(inbox => inbox.DeliverAsync(It.IsAny<NewSignal>(), It.IsAny<CancellationToken>()))
            .Callback((NewSignal signal, CancellationToken _) => _stored = signal)
            .ReturnsAsync((NewSignal signal, CancellationToken _) => answer(signal));

    private static StoredSignal Stored(NewSignal signal) =>
        new(signal.WorkflowId, signal.Name, signal.Payload, signal.Key?.Key, signal.Key?.RequestFingerprint, signal.ReceivedAt);

    private static DeliverSignalCommand Command(string payload, string? key = null, string name = "approved") =>
        new(Id, name, Json(payload), key);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private DeliverSignal CreateUseCase(int maxOutputBytes = PayloadLimits.DefaultMaxBytes) => new(
        _repository.Object,
        TestDefinitions.Port(),
        _inbox.Object,
        _workAvailable.Object,
        _clock,
        TestStoreLimits.Microseconds,
        Options.Create(new StepOutputOptions { MaxBytes = maxOutputBytes }));
}
