using System.Text.Json.Nodes;
using GoFlow.Application.Tasks;
using GoFlow.Application.Tests.Builders;
using GoFlow.Application.UseCases;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Application.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Application.Tests.UseCases;

public sealed partial class ExecuteTaskTests
{
    private readonly Mock<ITaskQueue> _queue = new();
    private readonly Mock<ISignalInbox> _signals = new();
    private readonly Mock<IWorkAvailableSignal> _workAvailable = new();
    private readonly Mock<ITaskHandler> _handler = new();
    private readonly FakeTimeProvider _clock = new(TestDefinitions.Now);
    private readonly TestTelemetry _telemetry = new();
    private TaskCompletion? _completion;
    private DateTimeOffset? _completedAt;
    private TaskFailure? _failure;
    private StepOutputOptions _outputOptions = new();

    [TearDown]
    public void DisposeTelemetry() => _telemetry.Dispose();

    [SetUp]
    public void RecordWhatTheQueueIsTold()
    {
        // Each test runs one task, so each write the group commit makes holds that task's completion alone.
        _queue.Setup(queue => queue.CompleteAsync(
                It.IsAny<IReadOnlyList<TaskCompletion>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Callback((IReadOnlyList<TaskCompletion> completions, DateTimeOffset now, CancellationToken _) =>
            {
                _completion = completions.Single();
                _completedAt = now;
            })
            .ReturnsAsync((IReadOnlyList<TaskCompletion> completions, DateTimeOffset _, CancellationToken _) =>
                Recorded(completions));
        _queue.Setup(queue => queue.FailAsync(It.IsAny<TaskFailure>(), It.IsAny<CancellationToken>()))
            .Callback((TaskFailure failure, CancellationToken _) => _failure = failure)
            .ReturnsAsync(true);
    }

    [Test]
    public async Task ExecuteAsync_HandlerReturns_CompletesWithItsOutputAndQueuesTheNextStep()
    {
        _handler.Setup(handler => handler.HandleAsync(It.IsAny<JsonObject>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((JsonObject input, CancellationToken _) =>
            {
                input["validated"] = true;
                return input;
            });
        var task = new ClaimedTaskBuilder().AtStep(0).WithInput("""{"order_id":"A-1"}""").Build();

        var execution = await CreateUseCase("ValidateOrder").ExecuteAsync(task, handOver: false, default);

        Assert.Multiple(() =>
        {
            Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Completed));
            Assert.That(_completion!.Task, Is.EqualTo(task));
            Assert.That(_completion.OutputPayload, Is.EqualTo("""{"order_id":"A-1","validated":true}"""));
            Assert.That(_completion.Advance!.Step, Is.EqualTo(TestDefinitions.OrderProcess.Steps[1]));
            Assert.That(_completedAt, Is.EqualTo(TestDefinitions.Now));
        });
        _workAvailable.Verify(signal => signal.Notify(), Times.Once);
    }

    [Test]
    public async Task ExecuteAsync_LastStep_CompletesWithNoNextStepAndWakesNobody()
    {
        SetUpHandlerReturningItsInput();
        var task = new ClaimedTaskBuilder().AtStep(2).Build();

        var execution = await CreateUseCase("SendEmail").ExecuteAsync(task, handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Completed));
        Assert.That(_completion!.Advance, Is.Null);
        _workAvailable.VerifyNoOtherCalls();
    }

    [Test]
    public async Task ExecuteAsync_HandlerThrowsWithAttemptsLeft_SchedulesARetryAfterTheBackoff()
    {
        HandlerThrows(new InvalidOperationException("the payment service did not answer"));
        var task = new ClaimedTaskBuilder().OnAttempt(2, of: 3).Build();

        var execution = await CreateUseCase("ValidateOrder").ExecuteAsync(task, handOver: false, default);

        // The second failed attempt waits 20 s (10 s doubled), of which the second half is jitter.
        Assert.Multiple(() =>
        {
            Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.RetryScheduled));
            Assert.That(_failure!.Error, Is.EqualTo("the payment service did not answer"));
            Assert.That(_failure.RetryAt, Is.InRange(TestDefinitions.Now.AddSeconds(10), TestDefinitions.Now.AddSeconds(20)));
            Assert.That(_completion, Is.Null);
        });
    }

    [Test]
    public async Task ExecuteAsync_HandlerThrowsOnTheLastAttempt_FailsForGood()
    {
        HandlerThrows(new InvalidOperationException("the payment service did not answer"));
        var task = new ClaimedTaskBuilder().OnAttempt(3, of: 3).Build();

        var execution = await CreateUseCase("ValidateOrder").ExecuteAsync(task, handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Failed));
        Assert.That(_failure!.RetryAt, Is.Null);
    }

    [Test]
    public async Task ExecuteAsync_PermanentFailure_FailsForGoodOnTheFirstAttempt()
    {
        HandlerThrows(new PermanentTaskFailureException("amount must be a number greater than 0."));
        var task = new ClaimedTaskBuilder().OnAttempt(1, of: 3).Build();

        var execution = await CreateUseCase("ValidateOrder").ExecuteAsync(task, handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Failed));
        Assert.That(_failure!.Error, Is.EqualTo("amount must be a number greater than 0."));
        Assert.That(_failure.RetryAt, Is.Null);
    }

    [Test]
    public async Task ExecuteAsync_OutputWithCharactersTheDefaultEncoderEscapes_StoresThemAsTheyAre()
    {
        // Markup, quotes, non-ASCII and a character outside the Basic Multilingual Plane: each stays its own UTF-8 bytes.
        const string Text = "<a href='x'>&+ é € 😀 \u2028</a>";
        SetUpHandlerReturningItsInput();
        var task = new ClaimedTaskBuilder().AtStep(0).WithInput(new JsonObject { ["note"] = Text }.ToJsonString()).Build();

        await CreateUseCase("ValidateOrder").ExecuteAsync(task, handOver: false, default);

        Assert.That(_completion!.OutputPayload, Is.EqualTo("{\"note\":\"" + Text + "\"}"));
        Assert.That(JsonNode.Parse(_completion.OutputPayload)!["note"]!.GetValue<string>(), Is.EqualTo(Text));
    }

    [Test]
    public async Task ExecuteAsync_OutputWithControlCharactersAndQuotes_EscapesWhatJsonRequires()
    {
        SetUpHandlerReturningItsInput();
        var task = new ClaimedTaskBuilder().AtStep(0).WithInput("""{"note":"a\"b\\c\n\u0001"}""").Build();

        await CreateUseCase("ValidateOrder").ExecuteAsync(task, handOver: false, default);

        Assert.That(_completion!.OutputPayload, Is.EqualTo("""{"note":"a\"b\\c\n\u0001"}"""));
    }

    [Test]
    public async Task ExecuteAsync_OutputOverTheStoredOutputLimit_FailsTheTaskForGoodWithoutStoringIt()
    {
        _outputOptions = new StepOutputOptions { MaxBytes = 100 };
        _handler.Setup(handler => handler.HandleAsync(It.IsAny<JsonObject>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new JsonObject { ["note"] = new string('<', 100) });
        var task = new ClaimedTaskBuilder().OnAttempt(1, of: 3).Build();

        var execution = await CreateUseCase("ValidateOrder").ExecuteAsync(task, handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Failed));
        Assert.That(_completion, Is.Null, "nothing too large reaches the store");
        Assert.That(_failure!.RetryAt, Is.Null);
        Assert.That(_failure.Error, Does.Contain("111 bytes").And.Contain("100 bytes").And.Contain("StepOutput:MaxBytes"));
    }

    [Test]
    public async Task ExecuteAsync_OutputExactlyAtTheStoredOutputLimit_IsStored()
    {
        _outputOptions = new StepOutputOptions { MaxBytes = 111 };
        _handler.Setup(handler => handler.HandleAsync(It.IsAny<JsonObject>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new JsonObject { ["note"] = new string('<', 100) });

        var execution = await CreateUseCase("ValidateOrder")
            .ExecuteAsync(new ClaimedTaskBuilder().AtStep(0).Build(), handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Completed));
        Assert.That(System.Text.Encoding.UTF8.GetByteCount(_completion!.OutputPayload), Is.EqualTo(111));
    }

    [Test]
    public async Task ExecuteAsync_OutputWithAnUnpairedSurrogate_FailsTheTaskForGood()
    {
        _handler.Setup(handler => handler.HandleAsync(It.IsAny<JsonObject>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new JsonObject { ["note"] = "a\ud800b" });

        var execution = await CreateUseCase("ValidateOrder")
            .ExecuteAsync(new ClaimedTaskBuilder().OnAttempt(1, of: 3).Build(), handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Failed));
        Assert.That(_failure!.RetryAt, Is.Null);
        Assert.That(_failure.Error, Does.Contain("surrogate"));
    }

    [Test]
    public async Task ExecuteAsync_StoreRefusesTheCompletionAsTooLarge_FailsTheTaskForGood()
    {
        SetUpHandlerReturningItsInput();
        _queue.Setup(queue => queue.CompleteAsync(
                It.IsAny<IReadOnlyList<TaskCompletion>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new PayloadTooLargeForStoreException("packet too large", new InvalidOperationException("driver")));

        var execution = await CreateUseCase("ValidateOrder")
            .ExecuteAsync(new ClaimedTaskBuilder().OnAttempt(1, of: 3).Build(), handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Failed));
        Assert.That(_failure!.RetryAt, Is.Null);
        Assert.That(_failure.Error, Is.EqualTo("The task's output is too large for the store to record."));
    }

    [Test]
    public async Task ExecuteAsync_HandlerOverrunsItsTimeout_CancelsItAndCountsAFailedAttempt()
    {
        var handlerCancelled = false;
        _handler.Setup(handler => handler.HandleAsync(It.IsAny<JsonObject>(), It.IsAny<CancellationToken>()))
            .Returns(async (JsonObject _, CancellationToken token) =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                finally
                {
                    handlerCancelled = token.IsCancellationRequested;
                }

                return new JsonObject();
            });
        var useCase = CreateUseCase("ValidateOrder");

        var running = useCase.ExecuteAsync(new ClaimedTaskBuilder().OnAttempt(1, of: 3).Build(), handOver: false, default);
        _clock.Advance(TestDefinitions.Policy.Timeout);
        var execution = await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(handlerCancelled, Is.True);
            Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.RetryScheduled));
            Assert.That(_failure!.Error, Does.Contain("timed out"));
        });
    }

    [Test]
    public async Task ExecuteAsync_StoreUnreachableWhileRecording_RecordsOnceItIsBack()
    {
        SetUpHandlerReturningItsInput();
        var calls = 0;
        _queue.Setup(queue => queue.CompleteAsync(
                It.IsAny<IReadOnlyList<TaskCompletion>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IReadOnlyList<TaskCompletion> completions, DateTimeOffset _, CancellationToken _) => ++calls < 3
                ? throw new StoreUnavailableException("Connection refused", new IOException())
                : Recorded(completions));
        var useCase = CreateUseCase("ValidateOrder");

        var execution = useCase.ExecuteAsync(new ClaimedTaskBuilder().Build(), handOver: false, default);
        while (!execution.IsCompleted)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        Assert.That((await execution).Outcome, Is.EqualTo(AttemptOutcome.Completed));
        Assert.That(calls, Is.EqualTo(3));
    }

    [TestCase(0, "goflow.task.attempts.completed")]
    [TestCase(2, "goflow.workflows.completed")]
    public async Task ExecuteAsync_Completed_CountsTheAttemptAndTheWorkflowAfterTheLastStep(int step, string instrument)
    {
        SetUpHandlerReturningItsInput();
        using var counted = new MetricCollector<long>(_telemetry, EngineTelemetry.Name, instrument);

        await CreateUseCase(TestDefinitions.OrderProcess.TaskNames[step])
            .ExecuteAsync(new ClaimedTaskBuilder().AtStep(step).Build(), handOver: false, default);

        Assert.That(counted.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(1));
    }

    [TestCase(1, "goflow.task.attempts.retried")]
    [TestCase(3, "goflow.task.attempts.failed")]
    [TestCase(3, "goflow.workflows.failed")]
    public async Task ExecuteAsync_Failed_CountsARetryOrAFailure(int attempt, string instrument)
    {
        HandlerThrows(new InvalidOperationException("flaky"));
        using var counted = new MetricCollector<long>(_telemetry, EngineTelemetry.Name, instrument);

        await CreateUseCase("ValidateOrder").ExecuteAsync(
            new ClaimedTaskBuilder().OnAttempt(attempt, of: 3).Build(), handOver: false, default);

        Assert.That(counted.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(1));
    }

    [Test]
    public async Task ExecuteAsync_NoHandlerRegistered_FailsNamingTheTask()
    {
        var execution = await CreateUseCase("SomethingElse")
            .ExecuteAsync(new ClaimedTaskBuilder().Build(), handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Failed));
        Assert.That(_failure!.Error, Does.Contain("ValidateOrder"));
    }

    [Test]
    public async Task ExecuteAsync_WorkflowNoLongerDefined_FailsWithoutRunningAHandler()
    {
        var task = new ClaimedTaskBuilder().OfWorkflow("Retired").Build();

        var execution = await CreateUseCase("ValidateOrder").ExecuteAsync(task, handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Failed));
        Assert.That(_failure!.Error, Does.Contain("Retired"));
        _handler.VerifyNoOtherCalls();
    }

    [Test]
    public async Task ExecuteAsync_StepRenamedInTheDefinition_FailsWithoutRunningAHandler()
    {
        var task = new ClaimedTaskBuilder().Named("OldName").Build();

        var execution = await CreateUseCase("OldName").ExecuteAsync(task, handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Failed));
        _handler.VerifyNoOtherCalls();
    }

    [Test]
    public async Task ExecuteAsync_QueueRejectsTheResult_ReportsRejectedAndWakesNobody()
    {
        SetUpHandlerReturningItsInput();
        _queue.Setup(queue => queue.CompleteAsync(
                It.IsAny<IReadOnlyList<TaskCompletion>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<TaskCompletion, ClaimedTask?>());

        var execution = await CreateUseCase("ValidateOrder")
            .ExecuteAsync(new ClaimedTaskBuilder().Build(), handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Rejected));
        _workAvailable.VerifyNoOtherCalls();
    }

    [Test]
    public async Task ExecuteAsync_QueueRejectsTheFailure_ReportsRejectedAndCountsNoFailedWorkflow()
    {
        // The attempt failed on its last try, but the task is no longer held by this claim (its lease was taken over):
        // the failure is not this worker's to record, and the workflow has not failed because of it.
        HandlerThrows(new InvalidOperationException("flaky"));
        _queue.Setup(queue => queue.FailAsync(It.IsAny<TaskFailure>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);
        using var failedWorkflows = new MetricCollector<long>(_telemetry, EngineTelemetry.Name, "goflow.workflows.failed");

        var execution = await CreateUseCase("ValidateOrder")
            .ExecuteAsync(new ClaimedTaskBuilder().OnAttempt(3, of: 3).Build(), handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Rejected));
        Assert.That(failedWorkflows.GetMeasurementSnapshot(), Is.Empty);
    }

    [Test]
    public void ExecuteAsync_CancelledWhileTheHandlerRuns_ThrowsAndRecordsNothing()
    {
        using var shutdown = new CancellationTokenSource();
        _handler.Setup(handler => handler.HandleAsync(It.IsAny<JsonObject>(), It.IsAny<CancellationToken>()))
            .Returns(async (JsonObject _, CancellationToken token) =>
            {
                await shutdown.CancelAsync();
                token.ThrowIfCancellationRequested();
                return new JsonObject();
            });

        Assert.That(
            async () => await CreateUseCase("ValidateOrder").ExecuteAsync(
                new ClaimedTaskBuilder().Build(), handOver: false, shutdown.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_completion, Is.Null);
        Assert.That(_failure, Is.Null);
    }

    [Test]
    public async Task ExecuteAsync_HandOverAsked_AsksTheStoreToHandOverTheNextStepAndReturnsIt()
    {
        SetUpHandlerReturningItsInput();
        var nextTask = new ClaimedTaskBuilder().AtStep(1).Build() with { Id = new TaskId(8) };
        StoreHandsOver(nextTask);

        var execution = await CreateUseCase("ValidateOrder")
            .ExecuteAsync(new ClaimedTaskBuilder().AtStep(0).Build(), handOver: true, default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution, Is.EqualTo(new AttemptResult(AttemptOutcome.Completed, nextTask)));
            Assert.That(_completion!.Advance!.Step, Is.EqualTo(TestDefinitions.OrderProcess.Steps[1]));
            Assert.That(_completion.Advance!.HandsOver, Is.True);
            Assert.That(_completion.Advance.LeaseOwner, Is.EqualTo("worker-1"), "to the completing claim's holder");
            Assert.That(_completion.Advance.LeaseDuration, Is.EqualTo(TestLease.Duration), "for the lease policy's length");
        }
    }

    [Test]
    public async Task ExecuteAsync_NextStepHandedOver_WakesNobodyAndCountsItsClaimWithNoWait()
    {
        SetUpHandlerReturningItsInput();
        var nextTask = new ClaimedTaskBuilder().AtStep(1).Build() with { Id = new TaskId(8) };
        StoreHandsOver(nextTask);
        using var claimed = new MetricCollector<long>(_telemetry, EngineTelemetry.Name, "goflow.task.attempts.started");
        using var pickup = new MetricCollector<double>(_telemetry, EngineTelemetry.Name, "goflow.task.pickup_latency");

        await CreateUseCase("ValidateOrder")
            .ExecuteAsync(new ClaimedTaskBuilder().AtStep(0).Build(), handOver: true, default);

        _workAvailable.Verify(signal => signal.Notify(), Times.Never);
        var claim = claimed.GetMeasurementSnapshot().Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(claim.Value, Is.EqualTo(1));
            Assert.That(claim.Tags["task_name"], Is.EqualTo("DeductMoney"));
            Assert.That(pickup.GetMeasurementSnapshot().Single().Value, Is.Zero);
        }
    }

    [Test]
    public async Task ExecuteAsync_NoHandOverAsked_LeavesTheNextStepPendingAndWakesAWorker()
    {
        SetUpHandlerReturningItsInput();
        using var claimed = new MetricCollector<long>(_telemetry, EngineTelemetry.Name, "goflow.task.attempts.started");

        var execution = await CreateUseCase("ValidateOrder")
            .ExecuteAsync(new ClaimedTaskBuilder().AtStep(0).Build(), handOver: false, default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution, Is.EqualTo(new AttemptResult(AttemptOutcome.Completed, NextTask: null)));
            Assert.That(_completion!.Advance!.HandsOver, Is.False);
            Assert.That(claimed.GetMeasurementSnapshot(), Is.Empty);
        }

        _workAvailable.Verify(signal => signal.Notify(), Times.Once);
    }

    [Test]
    public async Task ExecuteAsync_HandOverAskedButTheStoreLeftTheNextStepPending_WakesAWorker()
    {
        // The set-up's store records every completion without handing anything over.
        SetUpHandlerReturningItsInput();

        var execution = await CreateUseCase("ValidateOrder")
            .ExecuteAsync(new ClaimedTaskBuilder().AtStep(0).Build(), handOver: true, default);

        Assert.That(execution, Is.EqualTo(new AttemptResult(AttemptOutcome.Completed, NextTask: null)));
        _workAvailable.Verify(signal => signal.Notify(), Times.Once);
    }

    [Test]
    public async Task ExecuteAsync_SignalStepWithItsSignalStored_CompletesWithThePayloadMergedOverItsInput()
    {
        _signals.Setup(inbox => inbox.AwaitAsync(It.IsAny<SignalAwait>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new SignalAwaitResult.Arrived("""{"approved_by":"ann","amount":50}"""));

        var execution = await CreateUseCase("Prepare").ExecuteAsync(ApprovalStep(), handOver: false, default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Completed));
            Assert.That(JsonNode.Parse(_completion!.OutputPayload)!.ToJsonString(),
                Is.EqualTo("""{"order_id":"A-1","amount":50,"approved_by":"ann"}"""), "the payload's fields over the input's");
            Assert.That(_completion.Advance!.Step, Is.EqualTo(TestDefinitions.Approval.Steps[2]));
        }

        _handler.VerifyNoOtherCalls();
    }

    [Test]
    public async Task ExecuteAsync_SignalStepWithoutASignal_ParksItUntilItsTimeoutAndRecordsNothingElse()
    {
        SignalAwait? asked = null;
        _signals.Setup(inbox => inbox.AwaitAsync(It.IsAny<SignalAwait>(), It.IsAny<CancellationToken>()))
            .Callback((SignalAwait wait, CancellationToken _) => asked = wait)
            .ReturnsAsync(new SignalAwaitResult.Parked());

        var execution = await CreateUseCase("Prepare").ExecuteAsync(ApprovalStep(), handOver: false, default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execution, Is.EqualTo(new AttemptResult(AttemptOutcome.Waiting)));
            Assert.That(asked!.SignalName, Is.EqualTo("approved"));
            Assert.That(asked.TimeoutAt, Is.EqualTo(TestDefinitions.Now.AddDays(1)), "the step's timeout from now");
            Assert.That(_completion, Is.Null);
            Assert.That(_failure, Is.Null);
        }
    }

    [Test]
    public async Task ExecuteAsync_SignalStepNoLongerHeld_IsRejected()
    {
        _signals.Setup(inbox => inbox.AwaitAsync(It.IsAny<SignalAwait>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new SignalAwaitResult.NotHeld());

        var execution = await CreateUseCase("Prepare").ExecuteAsync(ApprovalStep(), handOver: false, default);

        Assert.That(execution.Outcome, Is.EqualTo(AttemptOutcome.Rejected));
        Assert.That(_completion, Is.Null);
    }

    private static ClaimedTask ApprovalStep() => new ClaimedTaskBuilder()
        .OfWorkflow(TestDefinitions.Approval.Name).AtStep(1).Named("AwaitApproval").WithInput("""{"order_id":"A-1","amount":42}""").Build();

    private void HandlerThrows(Exception exception) =>
        _handler.Setup(handler => handler.HandleAsync(It.IsAny<JsonObject>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(exception);

    private void SetUpHandlerReturningItsInput() =>
        _handler.Setup(handler => handler.HandleAsync(It.IsAny<JsonObject>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((JsonObject input, CancellationToken _) => input);

    /// <summary>The store records each completion and hands <paramref name="nextTask"/> over as its next step.</summary>
    private void StoreHandsOver(ClaimedTask nextTask) =>
        _queue.Setup(queue => queue.CompleteAsync(
                It.IsAny<IReadOnlyList<TaskCompletion>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Callback((IReadOnlyList<TaskCompletion> completions, DateTimeOffset _, CancellationToken _) =>
                _completion = completions.Single())
            .ReturnsAsync((IReadOnlyList<TaskCompletion> completions, DateTimeOffset _, CancellationToken _) =>
                Recorded(completions, nextTask));

    private static Dictionary<TaskCompletion, ClaimedTask?> Recorded(
        IReadOnlyList<TaskCompletion> completions, ClaimedTask? nextTask = null) =>
        completions.ToDictionary(completion => completion, _ => nextTask);

    private ExecuteTask CreateUseCase(string handledTaskName)
    {
        var services = new ServiceCollection()
            .AddKeyedSingleton(handledTaskName, _handler.Object)
            .BuildServiceProvider();
        return new ExecuteTask(
            _queue.Object,
            _signals.Object,
            new CompletionGroupCommit(_queue.Object, _clock, TestStoreLimits.Microseconds),
            TestLease.Policy,
            TestDefinitions.Port(),
            services,
            _workAvailable.Object,
            _telemetry.Engine,
            _clock,
            Options.Create(_outputOptions),
            NullLogger<ExecuteTask>.Instance);
    }
}
