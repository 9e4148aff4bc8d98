using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="GoFlow.Ports.Driven.ITaskQueue.ClaimAsync"/> from one claimer: what a claim takes, in which order, and
/// what it writes. Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class TaskQueueClaimContract : StorageContract
{
    [Test]
    public async Task ClaimAsync_PendingTask_HoldsItRunningWithLeaseAndFirstAttempt()
    {
        var workflow = await new WorkflowBuilder().WithInput("""{"order_id":"A-1"}""").WithMaxAttempts(4).CreateAsync(Repository);
        var claim = new ClaimBuilder().By("worker-a").Build();

        var claimed = await Queue.ClaimAsync(claim, CancellationToken.None);

        Assert.That(claimed, Has.Count.EqualTo(1));
        var task = claimed[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.WorkflowId, Is.EqualTo(workflow.Id));
            Assert.That(task.WorkflowName, Is.EqualTo("OrderProcess"));
            Assert.That(task.StepIndex, Is.Zero);
            Assert.That(task.TaskName, Is.EqualTo("ValidateOrder"));
            Assert.That(SameJson("""{"order_id":"A-1"}""", task.InputPayload), Is.True);
            Assert.That(task.Attempt, Is.EqualTo(1));
            Assert.That(task.MaxAttempts, Is.EqualTo(4));
            Assert.That(task.LeaseOwner, Is.EqualTo("worker-a"));
            Assert.That(task.LeaseExpiresAt, Is.EqualTo(claim.LeaseExpiresAt));
        }

        var found = await FindAsync(workflow.Id);
        var activity = await ActivityAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.EqualTo(new TaskLease("worker-a", claim.LeaseExpiresAt)));
            Assert.That(found.Tasks[0].Id, Is.EqualTo(task.Id));
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Running));
            Assert.That(found.Tasks[0].Attempt, Is.EqualTo(1));
            Assert.That(found.Tasks[0].UpdatedAt, Is.EqualTo(claim.Now));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(claim.Now));
            Assert.That(activity.Select(entry => entry.Action),
                Is.EqualTo(new[] { ActivityAction.WorkflowCreated, ActivityAction.TaskStarted }));
            Assert.That(activity[1].TaskId, Is.EqualTo(task.Id));
            Assert.That(SameJson(ActivityDetails.ForStartedTask("ValidateOrder", 1, "worker-a"), activity[1].Details), Is.True, activity[1].Details);
            Assert.That(found.Tasks[0].WorkerId, Is.EqualTo("worker-a"), "the task row names the worker that runs it");
            Assert.That(activity[1].CreatedAt, Is.EqualTo(claim.Now));
        }
    }

    [Test]
    public async Task ClaimAsync_WorkflowStartedInATrace_CarriesTheTraceAndWhenTheTaskWasDue()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var (workflow, firstTask) = new WorkflowBuilder().InTrace(traceParent).Build();
        await Repository.CreateManyAsync([new NewWorkflow(workflow, firstTask)], CancellationToken.None);
        await new WorkflowBuilder().CreateAsync(Repository);

        var claimed = await Queue.ClaimAsync(new ClaimBuilder().Build(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(claimed.Single(task => task.WorkflowId == workflow.Id).TraceParent, Is.EqualTo(traceParent));
            Assert.That(claimed.Single(task => task.WorkflowId != workflow.Id).TraceParent, Is.Null);
            Assert.That(claimed.Select(task => task.ScheduledAt), Has.All.EqualTo(firstTask.ScheduledAt));
        }
    }

    [Test]
    public async Task ClaimAsync_MoreDueTasksThanMax_ClaimsMaxOldestFirst()
    {
        // Created newest first, so the order of creation differs from the order of schedule.
        var newest = await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(2)).CreateAsync(Repository);
        var middle = await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(1)).CreateAsync(Repository);
        var oldest = await new WorkflowBuilder().CreatedAt(TestTimes.Start).CreateAsync(Repository);

        var claimed = await Queue.ClaimAsync(
            new ClaimBuilder().UpTo(2).At(TestTimes.Start.AddSeconds(10)).Build(), CancellationToken.None);

        var untouched = await FindAsync(newest.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(claimed.Select(task => task.WorkflowId), Is.EqualTo(new[] { oldest.Id, middle.Id }));
            Assert.That(untouched.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(untouched.Workflow.Status, Is.EqualTo(WorkflowStatus.Pending));
        }
    }

    [Test]
    public async Task ClaimAsync_TaskScheduledLater_IsClaimedOnlyOnceDue()
    {
        var later = TestTimes.Start.AddHours(1);
        var workflow = await new WorkflowBuilder().CreatedAt(later).CreateAsync(Repository);

        var early = await Queue.ClaimAsync(new ClaimBuilder().At(later - TestTimes.Microsecond).Build(), CancellationToken.None);
        var due = await Queue.ClaimAsync(new ClaimBuilder().At(later).Build(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(early, Is.Empty);
            Assert.That(due.Select(task => task.WorkflowId), Is.EqualTo(new[] { workflow.Id }));
        }
    }

    [Test]
    public async Task ClaimAsync_TaskAlreadyClaimed_IsNotClaimedAgain()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var first = await Queue.ClaimAsync(new ClaimBuilder().By("worker-a").Build(), CancellationToken.None);

        // Even long after the first lease ran out: only the recovery sweep makes a RUNNING task claimable again.
        var second = await Queue.ClaimAsync(
            new ClaimBuilder().By("worker-b").At(TestTimes.Start.AddDays(1)).Build(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Has.Count.EqualTo(1));
            Assert.That(second, Is.Empty);
            Assert.That((await Storage.ReadLeaseAsync(first[0].Id))?.Owner, Is.EqualTo("worker-a"));
        }
    }

    [Test]
    public async Task ClaimAsync_NothingDue_ReturnsEmptyAndChangesNothing()
    {
        await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddMinutes(1)).CreateAsync(Repository);
        var before = await SnapshotAsync();

        var claimed = await Queue.ClaimAsync(new ClaimBuilder().At(TestTimes.Start).Build(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(claimed, Is.Empty);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task ClaimAsync_EmptyStore_ReturnsEmpty()
    {
        var claimed = await Queue.ClaimAsync(new ClaimBuilder().Build(), CancellationToken.None);

        Assert.That(claimed, Is.Empty);
    }

    [Test]
    public async Task ClaimAsync_BatchAcrossWorkflows_StartsEachWorkflowAndLogsEachTask()
    {
        var first = await new WorkflowBuilder().CreatedAt(TestTimes.Start).CreateAsync(Repository);
        var second = await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(1)).CreateAsync(Repository);
        var claim = new ClaimBuilder().At(TestTimes.Start.AddSeconds(5)).Build();

        var claimed = await Queue.ClaimAsync(claim, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(claimed.Select(task => task.WorkflowId), Is.EqualTo(new[] { first.Id, second.Id }));
            Assert.That(claimed.Select(task => task.LeaseExpiresAt), Is.All.EqualTo(claim.LeaseExpiresAt));
            foreach (var workflow in new[] { first, second })
            {
                Assert.That((await FindAsync(workflow.Id)).Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
                Assert.That(await ActionsOfAsync(workflow.Id),
                    Is.EqualTo(new[] { ActivityAction.WorkflowCreated, ActivityAction.TaskStarted }));
            }
        }
    }
}
