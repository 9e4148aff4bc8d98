using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="ISignalInbox"/> on a store: a signal kept until its step waits, a step parked until its signal or its
/// timeout, one signal per workflow and name, and a delivery racing a wait never leaving a parked step behind its signal.
/// </summary>
public abstract class SignalInboxContract : StorageContract
{
    private const string Name = "approved";
    private const string Payload = """{"approved_by":"ann"}""";
    private static readonly DateTimeOffset ClaimedAt = TestTimes.Start.AddSeconds(1);
    private static readonly DateTimeOffset TimeoutAt = ClaimedAt.AddHours(1);
    private static readonly CancellationToken None = CancellationToken.None;

    [Test]
    public async Task DeliverAsync_BeforeTheStepWaits_KeepsTheSignalForTheStepToFind()
    {
        var workflow = await CreateAsync();

        var delivered = await Signals.DeliverAsync(Signal(workflow, key: new IdempotencyKey("key-1", "print")), None);
        var claim = await ClaimTaskOfAsync(workflow, ClaimedAt);
        var before = await SnapshotAsync();
        var awaited = await Signals.AwaitAsync(new SignalAwait(claim, Name, TimeoutAt, ClaimedAt), None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(delivered, Is.TypeOf<SignalDeliveryResult.Delivered>());
            Assert.That(((SignalDeliveryResult.Delivered)delivered).WokeTask, Is.False, "nothing waited yet");
            Assert.That(awaited, Is.TypeOf<SignalAwaitResult.Arrived>());
            Assert.That(SameJson(Payload, ((SignalAwaitResult.Arrived)awaited).Payload), Is.True);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before), "finding the signal writes nothing: the completion does");
            Assert.That(await ActionsOfAsync(workflow), Does.Contain(ActivityAction.SignalReceived));
        }
    }

    [Test]
    public async Task AwaitAsync_NoSignal_ParksTheTaskWithoutALeaseUntilItsTimeout()
    {
        var workflow = await CreateAsync();
        var claim = await ClaimTaskOfAsync(workflow, ClaimedAt);

        var awaited = await Signals.AwaitAsync(new SignalAwait(claim, Name, TimeoutAt, ClaimedAt), None);

        var task = await TaskAsync(workflow);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(awaited, Is.TypeOf<SignalAwaitResult.Parked>());
            Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Waiting));
            Assert.That(task.ScheduledAt, Is.EqualTo(TimeoutAt));
            Assert.That(await Storage.ReadLeaseAsync(claim.Id), Is.Null, "the worker's slot is free");
            Assert.That((await FindAsync(workflow)).Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
            Assert.That((await ActionsOfAsync(workflow)).Last(), Is.EqualTo(ActivityAction.TaskWaiting));
            Assert.That(await Queue.ClaimAsync(new ClaimBuilder().At(TimeoutAt.AddHours(1)).Build(), None), Is.Empty,
                "a waiting task is never claimed, even past its timeout");
        }
    }

    [Test]
    public async Task AwaitAsync_ClaimNoLongerHeld_ChangesNothing()
    {
        var workflow = await CreateAsync();
        var claim = await ClaimTaskOfAsync(workflow, ClaimedAt);
        Assert.That(await Queue.ReleaseAsync(claim, ClaimedAt, None), Is.True);
        var before = await SnapshotAsync();

        var awaited = await Signals.AwaitAsync(new SignalAwait(claim, Name, TimeoutAt, ClaimedAt), None);

        Assert.That(awaited, Is.TypeOf<SignalAwaitResult.NotHeld>());
        Assert.That(await SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task DeliverAsync_TheStepWaits_WakesItDueNowAndItsNextClaimFindsTheSignal()
    {
        var workflow = await CreateAsync();
        await Signals.AwaitAsync(new SignalAwait(await ClaimTaskOfAsync(workflow, ClaimedAt), Name, TimeoutAt, ClaimedAt), None);
        var deliveredAt = ClaimedAt.AddMinutes(10);

        var delivered = await Signals.DeliverAsync(Signal(workflow, at: deliveredAt), None);

        var task = await TaskAsync(workflow);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(((SignalDeliveryResult.Delivered)delivered).WokeTask, Is.True);
            Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(task.ScheduledAt, Is.EqualTo(deliveredAt));
        }

        var again = await ClaimTaskOfAsync(workflow, deliveredAt);
        Assert.That(await Signals.AwaitAsync(new SignalAwait(again, Name, deliveredAt.AddHours(1), deliveredAt), None),
            Is.TypeOf<SignalAwaitResult.Arrived>());
    }

    [Test]
    public async Task DeliverAsync_ASecondSignalOfTheName_IsAlreadyReceivedWithTheFirstsKeyAndStoresNothing()
    {
        var workflow = await CreateAsync();
        await Signals.DeliverAsync(Signal(workflow, key: new IdempotencyKey("key-1", "print-1")), None);
        var before = await SnapshotAsync();

        var second = await Signals.DeliverAsync(Signal(workflow, key: new IdempotencyKey("key-1", "print-1"), at: ClaimedAt.AddMinutes(1)), None);

        Assert.That(second, Is.TypeOf<SignalDeliveryResult.AlreadyReceived>());
        var existing = ((SignalDeliveryResult.AlreadyReceived)second).Existing;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(existing.IdempotencyKey, Is.EqualTo("key-1"));
            Assert.That(existing.RequestFingerprint, Is.EqualTo("print-1"));
            Assert.That(existing.ReceivedAt, Is.EqualTo(ClaimedAt), "the first delivery's time");
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task DeliverAsync_FinishedOrUnknownWorkflow_StoresNothing()
    {
        var finished = await CreateFinishedAsync(WorkflowStatus.Completed, ClaimedAt);
        var before = await SnapshotAsync();

        var toFinished = await Signals.DeliverAsync(Signal(finished), None);
        var toUnknown = await Signals.DeliverAsync(Signal(WorkflowId.New(ClaimedAt)), None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(toFinished, Is.EqualTo(new SignalDeliveryResult.WorkflowFinished(WorkflowStatus.Completed)));
            Assert.That(toUnknown, Is.TypeOf<SignalDeliveryResult.WorkflowNotFound>());
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task FailTimedOutAsync_AtItsTimeout_FailsTheStepAndItsWorkflowAsAHandlersLastFailureWould()
    {
        var workflow = await CreateAsync();
        await Signals.AwaitAsync(new SignalAwait(await ClaimTaskOfAsync(workflow, ClaimedAt), Name, TimeoutAt, ClaimedAt), None);

        var early = await Signals.FailTimedOutAsync(TimeoutAt - TestTimes.Microsecond, maxTasks: 10, None);
        var due = await Signals.FailTimedOutAsync(TimeoutAt, maxTasks: 10, None);

        var task = await TaskAsync(workflow);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(early, Is.Empty);
            Assert.That(due, Is.EqualTo(new[] { "Approval" }));
            Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Failed));
            Assert.That(task.Error, Is.EqualTo(TaskTransitions.SignalTimeoutError));
            Assert.That((await FindAsync(workflow)).Workflow.Status, Is.EqualTo(WorkflowStatus.Failed));
            Assert.That((await ActionsOfAsync(workflow)).TakeLast(2),
                Is.EqualTo(new[] { ActivityAction.TaskFailed, ActivityAction.WorkflowFailed }));
        }
    }

    [Test]
    public async Task DeleteFinishedAsync_AWorkflowWithASignal_DeletesItsSignalToo()
    {
        var workflow = await CreateAsync();
        await Signals.DeliverAsync(Signal(workflow), None);
        Assert.That((await Repository.CancelAsync(workflow, ClaimedAt, None)).Outcome, Is.EqualTo(WorkflowChangeOutcome.Changed));

        var deleted = await Retention.DeleteFinishedAsync(ClaimedAt.AddDays(1), maxWorkflows: 10, None);

        Assert.That(deleted, Is.EqualTo(1));
        Assert.That(await SnapshotAsync(), Is.Empty);
    }

    [Test]
    public async Task DeliverAsync_RacingTheStepsWait_NeverLeavesTheStepWaitingBehindItsSignal()
    {
        const int Rounds = 20;
        for (var round = 0; round < Rounds; round++)
        {
            await Storage.ResetAsync();
            var workflow = await CreateAsync();
            var claim = await ClaimTaskOfAsync(workflow, ClaimedAt);

            var outcomes = await RunTogetherAsync(2, async participant => participant == 0
                ? (object)await Signals.AwaitAsync(new SignalAwait(claim, Name, TimeoutAt, ClaimedAt), None)
                : await Signals.DeliverAsync(Signal(workflow), None));

            var task = await TaskAsync(workflow);
            var delivered = outcomes[1] as SignalDeliveryResult.Delivered;
            var sawIt = outcomes[0] is SignalAwaitResult.Arrived && task.Status == WorkflowTaskStatus.Running;
            var wokeIt = outcomes[0] is SignalAwaitResult.Parked && delivered is { WokeTask: true } && task.Status == WorkflowTaskStatus.Pending;
            Assert.That(sawIt || wokeIt, Is.True,
                $"round {round}: the wait saw the signal, or the delivery woke the parked step; got {outcomes[0]}, {outcomes[1]}, the task {task.Status}");
        }
    }

    private async Task<WorkflowId> CreateAsync() =>
        (await new WorkflowBuilder().Named("Approval").WithTasks("AwaitApproval").CreateAsync(Repository)).Id;

    private static NewSignal Signal(WorkflowId workflow, IdempotencyKey? key = null, DateTimeOffset? at = null) =>
        new(workflow, Name, StepIndex: 0, Payload, key, at ?? ClaimedAt);
}
