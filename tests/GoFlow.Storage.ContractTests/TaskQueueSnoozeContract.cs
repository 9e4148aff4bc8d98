using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// Durable waits in a store (ADR 0019): <see cref="ITaskQueue.SnoozeAsync"/> hands a held task back due later with its
/// attempt given back, and a completion whose next step is a wait creates that step due at the wait's end, never handed
/// over. Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class TaskQueueSnoozeContract : StorageContract
{
    private static readonly DateTimeOffset SnoozedAt = TestTimes.Start.AddSeconds(30);
    private static readonly DateTimeOffset Until = SnoozedAt.AddMinutes(10);

    [Test]
    public async Task SnoozeAsync_HeldTask_IsPendingDueThenWithItsAttemptGivenBack()
    {
        var workflow = await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimOneAsync();

        var snoozed = await Queue.SnoozeAsync(new TaskSnooze(task, Until, SnoozedAt), CancellationToken.None);

        var found = await FindAsync(workflow.Id);
        var activity = await ActivityAsync(workflow.Id);
        Assert.That(snoozed, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Tasks, Has.Count.EqualTo(1), "no next task");
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(found.Tasks[0].Attempt, Is.Zero, "the attempt is given back");
            Assert.That(found.Tasks[0].ScheduledAt, Is.EqualTo(Until));
            Assert.That(found.Tasks[0].Error, Is.Null);
            Assert.That(found.Tasks[0].UpdatedAt, Is.EqualTo(SnoozedAt));
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null, "the lease ended");
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Running), "the workflow goes on");
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskSnoozed,
            }));
            Assert.That(SameJson(ActivityDetails.ForTask("ValidateOrder", 1, retryAt: Until), activity[2].Details),
                Is.True, activity[2].Details);
            Assert.That(activity[2].CreatedAt, Is.EqualTo(SnoozedAt));
        }
    }

    [Test]
    public async Task ClaimAsync_SnoozedTask_IsNotClaimedBeforeItsTimeAndThenRepeatsTheAttempt()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var first = await ClaimOneAsync();
        await Queue.SnoozeAsync(new TaskSnooze(first, Until, SnoozedAt), CancellationToken.None);

        var early = await Queue.ClaimAsync(new ClaimBuilder().At(Until - TestTimes.Microsecond).Build(), CancellationToken.None);
        var due = await ClaimOneAsync(new ClaimBuilder().By("worker-b").At(Until));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(early, Is.Empty, "not before its time");
            Assert.That(due.Id, Is.EqualTo(first.Id));
            Assert.That(due.Attempt, Is.EqualTo(1), "the snooze used up no attempt");
        }
    }

    [Test]
    public async Task SnoozeAsync_ClaimNoLongerHeld_ChangesNothing()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimOneAsync();
        var stale = task with { LeaseOwner = "worker-z" };
        var before = await SnapshotAsync();

        var snoozed = await Queue.SnoozeAsync(new TaskSnooze(stale, Until, SnoozedAt), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(snoozed, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task CompleteAsync_NextStepDueLater_CreatesItPendingDueThenAndDoesNotHandItOver()
    {
        var builder = new WorkflowBuilder();
        var workflow = await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync();
        var completion = Completion(
            task, """{"validated":true}""", builder.Definition.StepAfter(0), handOver: true, dueAt: Until);

        var recorded = await Queue.CompleteAsync([completion], SnoozedAt, CancellationToken.None);

        var next = await TaskAsync(workflow.Id, stepIndex: 1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(recorded, Is.EquivalentTo(WithoutHandOver(completion)), "nothing handed over");
            Assert.That(next.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(next.Attempt, Is.Zero);
            Assert.That(next.ScheduledAt, Is.EqualTo(Until));
            Assert.That(next.CreatedAt, Is.EqualTo(SnoozedAt));
            Assert.That(await Queue.ClaimAsync(new ClaimBuilder().At(Until - TestTimes.Microsecond).Build(), CancellationToken.None),
                Is.Empty, "the wait is not over");
        }
    }

    [Test]
    public async Task CompleteAsync_NextStepDueInThePast_CreatesItDueNow()
    {
        var builder = new WorkflowBuilder();
        var workflow = await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync();

        Assert.That(await Queue.CompleteAsync(
            [Completion(task, "{}", builder.Definition.StepAfter(0), dueAt: SnoozedAt.AddDays(-1))],
            SnoozedAt,
            CancellationToken.None), Has.Count.EqualTo(1));

        Assert.That((await TaskAsync(workflow.Id, stepIndex: 1)).ScheduledAt, Is.EqualTo(SnoozedAt), "a time past means now");
    }
}
