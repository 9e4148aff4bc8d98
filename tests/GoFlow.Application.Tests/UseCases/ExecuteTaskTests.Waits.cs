using System.Text.Json.Nodes;
using GoFlow.Application.Tests.Builders;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Moq;

namespace GoFlow.Application.Tests.UseCases;

/// <summary>Wait steps and snoozes (ADR 0019): the engine runs a wait itself, and a handler may snooze its task.</summary>
public sealed partial class ExecuteTaskTests
{
    private const string ShipAt = "2026-11-25T14:00:00Z";

    [Test]
    public async Task ExecuteAsync_NextStepAWait_QueuesItDueAtItsEndAndHandsNothingOver()
    {
        SetUpHandlerReturningItsInput();

        var execution = await CreateUseCase("Pack").ExecuteAsync(ShippingTask(0), handOver: true, default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Completed));
            Assert.That(_completion!.Advance!.Step.Kind, Is.EqualTo(StepKind.Wait));
            Assert.That(_completion.Advance!.DueAt, Is.EqualTo(TestDefinitions.Now.AddMinutes(10)));
            Assert.That(_completion.Advance!.HandsOver, Is.False, "a waiting step is not handed over");
        }

        _workAvailable.Verify(signal => signal.Notify(), Times.Never, "nothing is due to wake a worker for");
    }

    [Test]
    public async Task ExecuteAsync_WaitStepClaimed_PassesItsInputThroughWithoutAHandlerAndQueuesTheNextWaitToItsTime()
    {
        var input = $$"""{"ship_at": "{{ShipAt}}",  "note": "kept as written"}""";

        var execution = await CreateUseCase("Pack").ExecuteAsync(ShippingTask(1, input), handOver: true, default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Completed));
            Assert.That(_completion!.OutputPayload, Is.EqualTo(input), "the input passes through unchanged");
            Assert.That(_completion.Advance!.Step.TaskName, Is.EqualTo("ship-day"));
            Assert.That(_completion.Advance!.DueAt, Is.EqualTo(DateTimeOffset.Parse(ShipAt, System.Globalization.CultureInfo.InvariantCulture)));
        }

        _handler.VerifyNoOtherCalls();
    }

    [Test]
    public async Task ExecuteAsync_UntilWaitClaimedBeforeItsTime_SnoozesToItsTime()
    {
        TaskSnooze? snooze = null;
        _queue.Setup(queue => queue.SnoozeAsync(It.IsAny<TaskSnooze>(), It.IsAny<CancellationToken>()))
            .Callback((TaskSnooze given, CancellationToken _) => snooze = given)
            .ReturnsAsync(true);

        var execution = await CreateUseCase("Pack").ExecuteAsync(ShippingTask(2, $$"""{"ship_at": "{{ShipAt}}"}"""), handOver: true, default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Snoozed));
            Assert.That(snooze!.Until, Is.EqualTo(TestDefinitions.Now.AddHours(2)));
            Assert.That(_completion, Is.Null);
            Assert.That(_failure, Is.Null);
        }
    }

    [Test]
    public async Task ExecuteAsync_UntilWaitWithoutItsField_FailsTheStepForGoodNamingTheField()
    {
        var execution = await CreateUseCase("Pack").ExecuteAsync(ShippingTask(2, """{"other": 1}"""), handOver: true, default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Failed));
            Assert.That(_failure!.RetryAt, Is.Null, "retrying cannot make the field appear");
            Assert.That(_failure.Error, Does.Contain("'ship_at'"));
        }
    }

    [Test]
    public async Task ExecuteAsync_HandlerSnoozes_HandsTheTaskBackDueAfterTheDelayWithoutFailingIt()
    {
        _handler.Setup(handler => handler.HandleAsync(It.IsAny<JsonObject>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new TaskSnoozeException(TimeSpan.FromMinutes(5)));
        TaskSnooze? snooze = null;
        _queue.Setup(queue => queue.SnoozeAsync(It.IsAny<TaskSnooze>(), It.IsAny<CancellationToken>()))
            .Callback((TaskSnooze given, CancellationToken _) => snooze = given)
            .ReturnsAsync(true);
        var task = new ClaimedTaskBuilder().OnAttempt(3, of: 3).Build();

        var execution = await CreateUseCase("ValidateOrder").ExecuteAsync(task, handOver: true, default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Snoozed), "even on the last attempt");
            Assert.That(snooze, Is.EqualTo(new TaskSnooze(task, TestDefinitions.Now.AddMinutes(5), TestDefinitions.Now)));
            Assert.That(_failure, Is.Null);
        }
    }

    [Test]
    public async Task ExecuteAsync_SnoozeOfALostClaim_IsRejected()
    {
        _handler.Setup(handler => handler.HandleAsync(It.IsAny<JsonObject>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new TaskSnoozeException(TimeSpan.Zero));
        _queue.Setup(queue => queue.SnoozeAsync(It.IsAny<TaskSnooze>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);

        var execution = await CreateUseCase("ValidateOrder").ExecuteAsync(new ClaimedTaskBuilder().Build(), handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Rejected));
    }

    [TestCase(-1)]
    [TestCase(367 * 24 * 60)]
    public void TaskSnoozeException_DelayOutOfBounds_IsRefused(int minutes) =>
        Assert.That(() => new TaskSnoozeException(TimeSpan.FromMinutes(minutes)), Throws.TypeOf<ArgumentOutOfRangeException>());

    private static ClaimedTask ShippingTask(int stepIndex, string input = "{}") =>
        new ClaimedTaskBuilder().OfWorkflow("Shipping").WithInput(input).Build() with
        {
            StepIndex = stepIndex,
            TaskName = TestDefinitions.Shipping.TaskNames[stepIndex],
        };
}
