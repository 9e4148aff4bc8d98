using System.Text.Json;
using GoFlow.Application;
using GoFlow.Application.Definitions;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoFlow.Testing.Tests;

// A fresh instance per test, so that each test counts its own handler calls.
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class GoFlowTestHostTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan ApprovalTimeout = TimeSpan.FromDays(2);

    private readonly Calls _calls = new();

    [Test]
    public async Task RunAsync_HandlerFailsTwice_CompletesOnAttemptThreeAfterTheBackoffInFakeTime()
    {
        // An hour's backoff: a run that really waited would end at the real-time limit, not complete.
        await using var goflow = await StartAsync(builder => builder
            .AddWorkflow("Charge", new WorkflowOptions { Tasks = ["Charge"], MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromHours(1), RetryMaxDelay = TimeSpan.FromHours(4) })
            .AddTaskHandler<FailsTwiceThenCharges>("Charge"));

        var run = await goflow.RunAsync("Charge", """{"order_id": "A-1"}""");

        var charge = run.Task("Charge");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Completed));
            Assert.That(charge.Status, Is.EqualTo(WorkflowTaskStatus.Completed));
            Assert.That(charge.Attempts, Is.EqualTo(3));
            Assert.That(_calls.Count, Is.EqualTo(3));
            Assert.That(charge.Output?["charged"]?.GetValue<bool>(), Is.True);
            Assert.That(run.Actions.Count(action => action == ActivityAction.TaskRetryScheduled), Is.EqualTo(2));
            // Backoff with jitter waits at least half of 1 h, then of 2 h.
            Assert.That(goflow.Clock.GetUtcNow() - Start, Is.GreaterThanOrEqualTo(TimeSpan.FromHours(1.5)));
        }
    }

    [Test]
    public async Task RunAsync_PermanentFailure_FailsTheWorkflowOnTheFirstAttemptWithoutWaiting()
    {
        await using var goflow = await StartAsync(builder => builder
            .AddWorkflow("Refund", new WorkflowOptions { Tasks = ["CheckOrder", "IssueRefund"], MaxAttempts = 5 })
            .AddTaskHandler<RefusesTheOrder>("CheckOrder")
            .AddTaskHandler<AddsItsStep>("IssueRefund"));

        var run = await goflow.RunAsync("Refund", """{"order_id": "A-404"}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Failed));
            Assert.That(run.Tasks.Select(task => task.TaskName), Is.EqualTo(new[] { "CheckOrder" }), "the next step is never created");
            Assert.That(run.Task("CheckOrder").Status, Is.EqualTo(WorkflowTaskStatus.Failed));
            Assert.That(run.Task("CheckOrder").Attempts, Is.EqualTo(1));
            Assert.That(run.Task("CheckOrder").Error, Is.EqualTo("the order does not exist"));
            Assert.That(_calls.Count, Is.EqualTo(1));
            Assert.That(goflow.Clock.GetUtcNow(), Is.EqualTo(Start), "nothing waited");
            Assert.That(run.Actions, Does.Not.Contain(ActivityAction.TaskRetryScheduled));
            Assert.That(run.Actions[^1], Is.EqualTo(ActivityAction.WorkflowFailed));
        }
    }

    [Test]
    public async Task RunAsync_HandlerWaitsLongerThanTheTimeout_TimesOutAtTheTimeoutInFakeTime()
    {
        await using var goflow = await StartAsync(builder => builder
            .AddWorkflow("Slow", new WorkflowOptions { Tasks = ["Wait"], MaxAttempts = 1, TaskTimeout = TimeSpan.FromMinutes(10) })
            .AddTaskHandler<WaitsOnTheClock>("Wait"));

        var run = await goflow.RunAsync("Slow", """{"wait_minutes": 1440}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Failed));
            Assert.That(run.Task("Wait").Error, Is.EqualTo("The attempt timed out after 00:10:00."));
            Assert.That(goflow.Clock.GetUtcNow(), Is.EqualTo(Start + TimeSpan.FromMinutes(10)), "time stops at the timeout");
        }
    }

    [Test]
    public async Task RunAsync_HandlerWaitsWithinTheTimeout_CompletesAfterItsWaitInFakeTime()
    {
        await using var goflow = await StartAsync(builder => builder
            .AddWorkflow("Slow", new WorkflowOptions { Tasks = ["Wait"], TaskTimeout = TimeSpan.FromMinutes(10) })
            .AddTaskHandler<WaitsOnTheClock>("Wait"));

        var run = await goflow.RunAsync("Slow", """{"wait_minutes": 4}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Completed));
            Assert.That(run.Task("Wait").Attempts, Is.EqualTo(1));
            Assert.That(run.Task("Wait").Output?["waited"]?.GetValue<bool>(), Is.True);
            Assert.That(goflow.Clock.GetUtcNow(), Is.EqualTo(Start + TimeSpan.FromMinutes(4)));
        }
    }

    [Test]
    public async Task RunAsync_ThreeSteps_CarriesEachStepsOutputIntoTheNextStepsInput()
    {
        await using var goflow = await StartAsync(builder => builder
            .AddWorkflow("Pipeline", "First", "Second", "Third")
            .AddTaskHandler<AddsItsStep>("First")
            .AddTaskHandler<AddsItsStep>("Second")
            .AddTaskHandler<AddsItsStep>("Third"));

        var run = await goflow.RunAsync("Pipeline", """{"order_id": "A-1"}""");

        var (first, second, third) = (run.Task("First"), run.Task("Second"), run.Task("Third"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Completed));
            Assert.That(first.Input.ToJsonString(), Is.EqualTo("""{"order_id":"A-1"}"""));
            Assert.That(second.Input.ToJsonString(), Is.EqualTo(first.Output?.ToJsonString()));
            Assert.That(third.Input.ToJsonString(), Is.EqualTo(second.Output?.ToJsonString()));
            Assert.That(run.CurrentInput.ToJsonString(), Is.EqualTo("""{"order_id":"A-1","step_1":1,"step_2":2,"step_3":3}"""));
        }
    }

    [Test]
    public async Task RunAsync_CompletedWorkflow_ReadsBackTheActivityLogInOrder()
    {
        await using var goflow = await StartAsync(builder => builder
            .AddWorkflow("Pipeline", "First", "Second")
            .AddTaskHandler<AddsItsStep>("First")
            .AddTaskHandler<AddsItsStep>("Second"));

        var run = await goflow.RunAsync("Pipeline");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Actions, Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated,
                ActivityAction.TaskStarted, ActivityAction.TaskCompleted,
                ActivityAction.TaskStarted, ActivityAction.TaskCompleted,
                ActivityAction.WorkflowCompleted,
            }));
            Assert.That(run.Activity[1].TaskId, Is.EqualTo(run.Task("First").Id));
            Assert.That(run.Activity[3].TaskId, Is.EqualTo(run.Task("Second").Id));
        }
    }

    [Test]
    public async Task RunAsync_HandlerWaitsOnNothingTheClockControls_GivesUpAtTheRealTimeLimit()
    {
        await using var goflow = await StartAsync(builder =>
        {
            builder.RealTimeLimit = TimeSpan.FromMilliseconds(300);
            builder.AddWorkflow("Stuck", "Wait").AddTaskHandler<WaitsForItsToken>("Wait");
        });

        Assert.That(
            async () => await goflow.RunAsync("Stuck"),
            Throws.TypeOf<TimeoutException>().With.Message.Contains("TimeProvider"));
    }

    [Test]
    public void StartAsync_TaskWithoutHandler_FailsAsAHostWouldAtStart()
    {
        Assert.That(
            async () => await GoFlowTestHost.StartAsync(builder => builder.AddWorkflow("Refund", "IssueRefund")),
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains("IssueRefund"));
    }

    [Test]
    public async Task StartWorkflowAsync_UnknownWorkflow_ThrowsWithTheReason()
    {
        await using var goflow = await StartAsync(builder => builder.AddWorkflow("Pipeline", "First").AddTaskHandler<AddsItsStep>("First"));

        Assert.That(
            async () => await goflow.StartWorkflowAsync("NoSuchWorkflow"),
            Throws.ArgumentException.With.Message.Contains("workflow_name"));
    }

    [Test]
    public async Task StartWorkflowAsync_SameIdempotencyKeyTwice_StartsOneWorkflow()
    {
        await using var goflow = await StartAsync(builder => builder.AddWorkflow("Pipeline", "First").AddTaskHandler<AddsItsStep>("First"));

        var first = await goflow.StartWorkflowAsync("Pipeline", """{"order_id": "A-1"}""", idempotencyKey: "order-A-1");
        var again = await goflow.StartWorkflowAsync("Pipeline", """{"order_id": "A-1"}""", idempotencyKey: "order-A-1");

        Assert.That(again, Is.EqualTo(first));
        Assert.That(
            async () => await goflow.StartWorkflowAsync("Pipeline", """{"order_id": "B-2"}""", idempotencyKey: "order-A-1"),
            Throws.ArgumentException);
    }

    [Test]
    public async Task StartAsync_HandlerRegisteredThroughTheServices_IsRunAndGivenTheFakeClock()
    {
        // As a team registers its handlers in its own host: through IServiceCollection, not the kit's shortcut.
        await using var goflow = await StartAsync(builder =>
        {
            builder.AddWorkflow("Slow", "Wait");
            builder.Services.AddGoFlowTaskHandler<WaitsOnTheClock>("Wait");
        });

        var run = await goflow.RunAsync("Slow", """{"wait_minutes": 3}""");

        Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Completed));
        Assert.That(goflow.Services.GetRequiredService<TimeProvider>(), Is.SameAs(goflow.Clock));
    }

    [Test]
    public async Task DisposeAsync_AfterARun_DeletesTheDatabaseFile()
    {
        var goflow = await StartAsync(builder => builder.AddWorkflow("Pipeline", "First").AddTaskHandler<AddsItsStep>("First"));
        await goflow.RunAsync("Pipeline");
        Assert.That(File.Exists(goflow.DatabasePath), Is.True);

        await goflow.DisposeAsync();

        Assert.That(File.Exists(goflow.DatabasePath), Is.False);
    }

    [Test]
    public async Task SignalAsync_WhileItsStepWaits_WakesTheStepAndTheNextStepGetsThePayload()
    {
        await using var goflow = await StartApprovalAsync();
        var id = await goflow.StartWorkflowAsync("Approval", """{"order_id": "A-1"}""");

        var waiting = await goflow.RunUntilWaitingForSignalAsync(id);
        var receipt = await goflow.SignalAsync(id, "approved", """{"approved_by": "ann"}""");
        var run = await goflow.RunUntilFinishedAsync(id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(waiting.Status, Is.EqualTo(WorkflowStatus.Running));
            Assert.That(waiting.Task("AwaitApproval").Status, Is.EqualTo(WorkflowTaskStatus.Waiting));
            Assert.That(waiting.Task("AwaitApproval").ScheduledAt, Is.EqualTo(Start + ApprovalTimeout), "due at its timeout");
            Assert.That(receipt.WokeWaitingStep, Is.True);
            Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Completed));
            Assert.That(run.Task("Ship").Input["approved_by"]?.GetValue<string>(), Is.EqualTo("ann"));
            Assert.That(run.Task("Ship").Input["order_id"]?.GetValue<string>(), Is.EqualTo("A-1"));
            Assert.That(run.Actions, Does.Contain(ActivityAction.TaskWaiting).And.Contain(ActivityAction.SignalReceived));
            Assert.That(goflow.Clock.GetUtcNow(), Is.EqualTo(Start), "nothing waited for the timeout");
        }
    }

    [Test]
    public async Task SignalAsync_BeforeItsStepWaits_IsKeptAndTheStepCompletesWithoutWaiting()
    {
        await using var goflow = await StartApprovalAsync();
        var id = await goflow.StartWorkflowAsync("Approval", """{"order_id": "A-1"}""");

        var receipt = await goflow.SignalAsync(id, "approved", """{"approved_by": "bob"}""");
        var run = await goflow.RunUntilFinishedAsync(id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(receipt.WokeWaitingStep, Is.False);
            Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Completed));
            Assert.That(run.Task("Ship").Input["approved_by"]?.GetValue<string>(), Is.EqualTo("bob"));
            Assert.That(run.Actions, Does.Not.Contain(ActivityAction.TaskWaiting));
        }
    }

    [Test]
    public async Task RunAsync_SignalNeverSent_FailsTheStepAtItsTimeoutInFakeTime()
    {
        await using var goflow = await StartApprovalAsync();

        var run = await goflow.RunAsync("Approval", """{"order_id": "A-1"}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Failed));
            Assert.That(run.Task("AwaitApproval").Status, Is.EqualTo(WorkflowTaskStatus.Failed));
            Assert.That(run.Task("AwaitApproval").Error, Is.EqualTo(TaskTransitions.SignalTimeoutError));
            Assert.That(run.Tasks.Select(task => task.TaskName), Is.EqualTo(new[] { "Check", "AwaitApproval" }));
            Assert.That(goflow.Clock.GetUtcNow(), Is.EqualTo(Start + ApprovalTimeout), "time skipped to the timeout");
        }
    }

    [Test]
    public async Task SignalAsync_RefusedAsTheApiRefusesIt_ThrowsWithTheReason()
    {
        await using var goflow = await StartApprovalAsync();
        var id = await goflow.StartWorkflowAsync("Approval", """{"order_id": "A-1"}""");
        await goflow.SignalAsync(id, "approved");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(async () => await goflow.SignalAsync(id, "rejected"),
                Throws.ArgumentException.With.Message.Contains("'rejected'"), "no step waits for it: the API's 404");
            Assert.That(async () => await goflow.SignalAsync(id, "approved", "[1]"),
                Throws.ArgumentException, "not a JSON object: the API's 400");
            Assert.That(async () => await goflow.SignalAsync(id, "approved"),
                Throws.InvalidOperationException, "already received: the API's 409");
        }
    }

    [Test]
    public async Task Services_DelayedStartCancelledAndRetriedBeforeItsTime_RunsAtItsStartTime()
    {
        // Through the driving ports the API uses: a retry does not run early what the start planned for later.
        await using var goflow = await StartAsync(builder => builder.AddWorkflow("Pipeline", "First").AddTaskHandler<AddsItsStep>("First"));
        var startAt = Start.AddHours(6);
        var started = await goflow.Services.GetRequiredService<IStartWorkflow>().StartAsync(
            new StartWorkflowCommand("Pipeline", JsonSerializer.SerializeToElement(new { order_id = "A-1" }), StartAt: startAt), CancellationToken.None);
        var id = ((StartWorkflowResult.Started)started).Workflow.Id;
        goflow.Clock.Advance(TimeSpan.FromHours(1));
        await goflow.Services.GetRequiredService<ICancelWorkflow>().CancelAsync(id, CancellationToken.None);
        var retried = await goflow.Services.GetRequiredService<IRetryWorkflow>().RetryAsync(id, CancellationToken.None);

        var run = await goflow.RunUntilFinishedAsync(id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(retried.Outcome, Is.EqualTo(WorkflowChangeOutcome.Changed));
            Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Completed));
            Assert.That(run.Activity.Single(entry => entry.Action == ActivityAction.TaskStarted).CreatedAt, Is.EqualTo(startAt));
            Assert.That(goflow.Clock.GetUtcNow(), Is.EqualTo(startAt), "time skipped to the start, not past it");
        }
    }

    /// <summary>Check, then wait up to <see cref="ApprovalTimeout"/> for "approved", then Ship.</summary>
    private Task<GoFlowTestHost> StartApprovalAsync() =>
        StartAsync(builder => builder
            .AddWorkflow("Approval", new WorkflowOptions
            {
                Tasks = ["Check", "AwaitApproval", "Ship"],
                Signals = { ["AwaitApproval"] = new SignalStepOptions { Name = "approved", Timeout = ApprovalTimeout } },
            })
            .AddTaskHandler<AddsItsStep>("Check")
            .AddTaskHandler<AddsItsStep>("Ship"));

    private Task<GoFlowTestHost> StartAsync(Action<GoFlowTestHostBuilder> configure) =>
        GoFlowTestHost.StartAsync(builder =>
        {
            builder.Services.AddSingleton(_calls);
            configure(builder);
        });
}
