using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="ITaskQueue.RecoverExpiredLeasesAsync"/>, the sweep that takes tasks back from dead workers, and fencing:
/// once a lease is taken away, nothing its old holder sends changes anything. Time moves only through the <c>now</c>
/// the ports are given. Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class TaskQueueRecoveryContract : StorageContract
{
    private static readonly DateTimeOffset ClaimedAt = TestTimes.Start.AddSeconds(1);
    private static readonly DateTimeOffset Expiry = ClaimedAt + TestTimes.Lease;
    private static readonly DateTimeOffset SweptAt = Expiry.AddSeconds(1);

    [Test]
    public async Task RecoverExpiredLeasesAsync_ExpiredWithAttemptsLeft_MakesItPendingDueNowCountingTheAttempt()
    {
        var workflow = await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));

        var recovered = await RecoverExpiredLeasesAsync(SweptAt, 10, CancellationToken.None);

        var found = await FindAsync(workflow.Id);
        var activity = await ActivityAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(recovered, Is.EqualTo(1));
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(found.Tasks[0].Attempt, Is.EqualTo(1), "the expired attempt counts");
            Assert.That(found.Tasks[0].Error, Is.EqualTo(TaskTransitions.LeaseExpiredError));
            Assert.That(found.Tasks[0].ScheduledAt, Is.EqualTo(SweptAt));
            Assert.That(found.Tasks[0].UpdatedAt, Is.EqualTo(SweptAt));
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null, "the lease ended");
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskLeaseExpired,
            }));
            Assert.That(activity[2].TaskId, Is.EqualTo(task.Id));
            Assert.That(SameJson(ActivityDetails.ForTask("ValidateOrder", 1, TaskTransitions.LeaseExpiredError), activity[2].Details),
                Is.True, activity[2].Details);
            Assert.That(activity[2].CreatedAt, Is.EqualTo(SweptAt));
        }
    }

    [Test]
    public async Task RecoverExpiredLeasesAsync_ExpiredWithAttemptsLeft_IsClaimableAtOnceAsTheNextAttempt()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var first = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        await RecoverExpiredLeasesAsync(SweptAt, 10, CancellationToken.None);

        var second = await ClaimOneAsync(new ClaimBuilder().By("worker-b").At(SweptAt));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.Id, Is.EqualTo(first.Id));
            Assert.That(second.Attempt, Is.EqualTo(2));
            Assert.That(second.LeaseOwner, Is.EqualTo("worker-b"));
        }
    }

    [Test]
    public async Task RecoverExpiredLeasesAsync_ExpiredOnItsLastAttempt_FailsTaskAndWorkflow()
    {
        var workflow = await new WorkflowBuilder().WithMaxAttempts(1).CreateAsync(Repository);
        var task = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));

        var swept = await Queue.RecoverExpiredLeasesAsync(SweptAt, 10, CancellationToken.None);
        var recovered = swept.TasksTakenBack;

        var found = await FindAsync(workflow.Id);
        var activity = await ActivityAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(recovered, Is.EqualTo(1));
            Assert.That(swept.FailedWorkflowNames, Is.EqualTo(new[] { "OrderProcess" }), "the workflow the sweep failed, by name");
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Failed));
            Assert.That(found.Tasks[0].Attempt, Is.EqualTo(1));
            Assert.That(found.Tasks[0].Error, Is.EqualTo(TaskTransitions.LeaseExpiredError));
            Assert.That(found.Tasks[0].UpdatedAt, Is.EqualTo(SweptAt));
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null);
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Failed));
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(SweptAt));
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskLeaseExpired,
                ActivityAction.TaskFailed, ActivityAction.WorkflowFailed,
            }));
            Assert.That(SameJson(ActivityDetails.ForTask("ValidateOrder", 1, TaskTransitions.LeaseExpiredError), activity[3].Details),
                Is.True, activity[3].Details);
            Assert.That(activity[4].TaskId, Is.Null);
            Assert.That(SameJson(ActivityDetails.ForWorkflow("OrderProcess"), activity[4].Details), Is.True);
            Assert.That(await Queue.ClaimAsync(new ClaimBuilder().At(SweptAt.AddDays(1)).Build(), CancellationToken.None), Is.Empty);
        }
    }

    [Test]
    public async Task RecoverExpiredLeasesAsync_ThirdExpiryOfThree_FailsAfterTwoRecoveries()
    {
        var workflow = await new WorkflowBuilder().WithMaxAttempts(3).CreateAsync(Repository);
        var now = ClaimedAt;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var task = await ClaimOneAsync(new ClaimBuilder().At(now));
            Assert.That(task.Attempt, Is.EqualTo(attempt));
            now = task.LeaseExpiresAt.AddSeconds(1);
            Assert.That(await RecoverExpiredLeasesAsync(now, 10, CancellationToken.None), Is.EqualTo(1));
        }

        var found = await FindAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Failed));
            Assert.That(found.Tasks[0].Attempt, Is.EqualTo(3));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Failed));
            Assert.That(await ActionsOfAsync(workflow.Id), Has.Exactly(3).EqualTo(ActivityAction.TaskLeaseExpired));
        }
    }

    [Test]
    public async Task RecoverExpiredLeasesAsync_LeaseNotYetExpired_ReturnsZeroAndChangesNothing()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        var before = await SnapshotAsync();

        var recovered = await RecoverExpiredLeasesAsync(Expiry - TestTimes.Microsecond, 10, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(recovered, Is.Zero);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task RecoverExpiredLeasesAsync_TasksNotRunning_LeavesThemAlone()
    {
        // One PENDING task long overdue, one COMPLETED, one retry waiting, one FAILED: none holds a lease.
        var builder = new WorkflowBuilder().Named("Single").WithTasks("Only");
        for (var i = 0; i < 3; i++)
        {
            await builder.CreatedAt(TestTimes.Start.AddSeconds(i)).CreateAsync(Repository);
        }

        var claimed = await Queue.ClaimAsync(new ClaimBuilder().UpTo(3).At(ClaimedAt.AddSeconds(5)).Build(), CancellationToken.None);
        await CompleteOneAsync(claimed[0], "{}", null, ClaimedAt.AddSeconds(6));
        await Queue.FailAsync(new TaskFailure(claimed[1], "flaky", SweptAt.AddDays(1), ClaimedAt.AddSeconds(6)), CancellationToken.None);
        await Queue.FailAsync(new TaskFailure(claimed[2], "broken", null, ClaimedAt.AddSeconds(6)), CancellationToken.None);
        await builder.CreatedAt(TestTimes.Start).CreateAsync(Repository);
        var before = await SnapshotAsync();

        var recovered = await RecoverExpiredLeasesAsync(SweptAt.AddDays(2), 10, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(recovered, Is.Zero);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task RecoverExpiredLeasesAsync_MoreExpiredThanMax_RecoversMaxEarliestExpiryFirst()
    {
        var builder = new WorkflowBuilder().Named("Single").WithTasks("Only");
        var leases = new[] { TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2) };
        var tasks = new List<ClaimedTask>();
        for (var i = 0; i < leases.Length; i++)
        {
            await builder.CreatedAt(TestTimes.Start.AddSeconds(i)).CreateAsync(Repository);
            tasks.Add(await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt.AddSeconds(i)).LeasedFor(leases[i])));
        }

        var recovered = await RecoverExpiredLeasesAsync(ClaimedAt.AddMinutes(10), 2, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(recovered, Is.EqualTo(2));
            Assert.That(await Storage.ReadLeaseAsync(tasks[1].Id), Is.Null, "the earliest expiry");
            Assert.That(await Storage.ReadLeaseAsync(tasks[2].Id), Is.Null, "the next one");
            Assert.That(await Storage.ReadLeaseAsync(tasks[0].Id), Is.Not.Null, "the latest expiry waits for the next sweep");
            Assert.That(await RecoverExpiredLeasesAsync(ClaimedAt.AddMinutes(10), 2, CancellationToken.None), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task RecoverExpiredLeasesAsync_OnlySomeExpired_RecoversOnlyThose()
    {
        var builder = new WorkflowBuilder().Named("Single").WithTasks("Only");
        var expired = await builder.CreatedAt(TestTimes.Start).CreateAsync(Repository);
        var expiredTask = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt).LeasedFor(TimeSpan.FromMinutes(1)));
        var alive = await builder.CreatedAt(TestTimes.Start).CreateAsync(Repository);
        var aliveTask = await ClaimOneAsync(new ClaimBuilder().By("worker-b").At(ClaimedAt).LeasedFor(TimeSpan.FromMinutes(10)));

        var recovered = await RecoverExpiredLeasesAsync(ClaimedAt.AddMinutes(5), 10, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(recovered, Is.EqualTo(1));
            Assert.That((await TaskAsync(expired.Id)).Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That((await TaskAsync(alive.Id)).Status, Is.EqualTo(WorkflowTaskStatus.Running));
            Assert.That(await Storage.ReadLeaseAsync(aliveTask.Id), Is.EqualTo(new TaskLease("worker-b", aliveTask.LeaseExpiresAt)));
            Assert.That(await ActionsOfAsync(alive.Id), Has.None.EqualTo(ActivityAction.TaskLeaseExpired));
            Assert.That(expiredTask.Id, Is.Not.EqualTo(aliveTask.Id));
        }
    }

    [Test]
    public async Task RecoverExpiredLeasesAsync_NothingRunning_ReturnsZero()
    {
        await new WorkflowBuilder().CreateAsync(Repository);

        var recovered = await RecoverExpiredLeasesAsync(SweptAt, 10, CancellationToken.None);

        Assert.That(recovered, Is.Zero);
    }

    [Test]
    public async Task CompleteAsync_OldHolderAfterRecoveryAndReclaim_IsRejectedAndChangesNothing()
    {
        // The fencing test: worker-a stalls past its lease, the sweep takes the task back, worker-b claims it; then
        // worker-a wakes up and reports. Nothing it sends may change anything, and worker-b finishes undisturbed.
        var builder = new WorkflowBuilder();
        var workflow = await builder.CreateAsync(Repository);
        var stalled = await ClaimOneAsync(new ClaimBuilder().By("worker-a").At(ClaimedAt));
        await RecoverExpiredLeasesAsync(SweptAt, 10, CancellationToken.None);
        var current = await ClaimOneAsync(new ClaimBuilder().By("worker-b").At(SweptAt));
        var before = await SnapshotAsync();
        var late = SweptAt.AddSeconds(5);

        var completed = await CompleteOneAsync(stalled, """{"late":true}""", builder.Definition.StepAfter(0), late);
        var failed = await Queue.FailAsync(new TaskFailure(stalled, "late", null, late), CancellationToken.None);
        var retried = await Queue.FailAsync(new TaskFailure(stalled, "late", late.AddMinutes(1), late), CancellationToken.None);
        var renewed = await Queue.RenewLeasesAsync(
            new LeaseRenewal("worker-a", [new TaskClaim(stalled.Id, stalled.Attempt)], late + TestTimes.Lease, late),
            CancellationToken.None);
        var released = await Queue.ReleaseAsync(stalled, late, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(completed, Is.False);
            Assert.That(failed, Is.False);
            Assert.That(retried, Is.False);
            Assert.That(renewed, Is.Empty);
            Assert.That(released, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before), "the old holder changed nothing");
        }

        var currentCompleted = await CompleteOneAsync(
            current, """{"by":"worker-b"}""", builder.Definition.StepAfter(0), late.AddSeconds(1));

        var found = await FindAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(currentCompleted, Is.True, "the current holder is unaffected");
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Completed));
            Assert.That(found.Tasks[0].Attempt, Is.EqualTo(2));
            Assert.That(SameJson("""{"by":"worker-b"}""", found.Tasks[0].OutputPayload), Is.True);
            Assert.That(found.Tasks, Has.Count.EqualTo(2), "one next task");
            Assert.That(await ActionsOfAsync(workflow.Id), Has.Exactly(1).EqualTo(ActivityAction.TaskCompleted));
        }
    }

    [Test]
    public async Task CompleteAsync_OldHolderAfterRecoveryBeforeReclaim_IsRejectedAndChangesNothing()
    {
        var builder = new WorkflowBuilder();
        await builder.CreateAsync(Repository);
        var stalled = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        await RecoverExpiredLeasesAsync(SweptAt, 10, CancellationToken.None);
        var before = await SnapshotAsync();

        var completed = await CompleteOneAsync(stalled, "{}", builder.Definition.StepAfter(0), SweptAt.AddSeconds(1));
        var failed = await Queue.FailAsync(new TaskFailure(stalled, "late", null, SweptAt.AddSeconds(1)), CancellationToken.None);
        var released = await Queue.ReleaseAsync(stalled, SweptAt.AddSeconds(1), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(completed, Is.False);
            Assert.That(failed, Is.False);
            Assert.That(released, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }
}
