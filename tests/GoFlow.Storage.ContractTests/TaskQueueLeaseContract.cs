using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// What a live holder does with its leases: <see cref="ITaskQueue.RenewLeasesAsync"/> (the heartbeat) and
/// <see cref="ITaskQueue.ReleaseAsync"/> (handing a task back at shutdown). Both are guarded like a completion.
/// Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class TaskQueueLeaseContract : StorageContract
{
    private static readonly DateTimeOffset ClaimedAt = TestTimes.Start.AddSeconds(1);
    private static readonly DateTimeOffset FirstExpiry = ClaimedAt + TestTimes.Lease;
    private static readonly DateTimeOffset RenewedAt = ClaimedAt.AddMinutes(1);
    private static readonly DateTimeOffset RenewedExpiry = RenewedAt + TestTimes.Lease;

    [Test]
    public async Task RenewLeasesAsync_HeldTasks_ExtendsEveryLeaseAndReturnsTheirIds()
    {
        await new WorkflowBuilder().CreatedAt(TestTimes.Start).CreateAsync(Repository);
        await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddTicks(10)).CreateAsync(Repository);
        var claimed = await Queue.ClaimAsync(new ClaimBuilder().At(ClaimedAt).Build(), CancellationToken.None);

        var renewed = await Queue.RenewLeasesAsync(
            new LeaseRenewal("worker-a", [.. claimed.Select(task => new TaskClaim(task.Id, task.Attempt))], RenewedExpiry, RenewedAt),
            CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(claimed, Has.Count.EqualTo(2));
            Assert.That(renewed, Is.EquivalentTo(claimed.Select(task => task.Id)));
            foreach (var task in claimed)
            {
                Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.EqualTo(new TaskLease("worker-a", RenewedExpiry)));
            }

            Assert.That(await RecoverExpiredLeasesAsync(FirstExpiry.AddSeconds(1), 10, CancellationToken.None),
                Is.Zero, "a renewed lease has not expired at the old expiry");
        }
    }

    [Test]
    public async Task RenewLeasesAsync_HeldTask_ChangesOnlyTheLease()
    {
        var workflow = await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        var before = await TaskAsync(workflow.Id);
        var activityBefore = await ActionsOfAsync(workflow.Id);

        await Queue.RenewLeasesAsync(
            new LeaseRenewal("worker-a", [new TaskClaim(task.Id, task.Attempt)], RenewedExpiry, RenewedAt), CancellationToken.None);

        var after = await TaskAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(after with { UpdatedAt = before.UpdatedAt }, Is.EqualTo(before), "status, attempt, payloads and schedule stay");
            Assert.That(await ActionsOfAsync(workflow.Id), Is.EqualTo(activityBefore), "a heartbeat writes no activity row");
        }
    }

    [Test]
    public async Task RenewLeasesAsync_TasksNoLongerHeld_RenewsAndReturnsOnlyTheHeldOnes()
    {
        // Three tasks claimed by worker-a: one it still holds, one it completed, one retried and claimed again; plus one
        // held by worker-b.
        var builder = new WorkflowBuilder().Named("Single").WithTasks("Only");
        for (var i = 0; i < 3; i++)
        {
            await builder.CreatedAt(TestTimes.Start.AddSeconds(i)).CreateAsync(Repository);
        }

        var claimed = await Queue.ClaimAsync(new ClaimBuilder().At(ClaimedAt.AddSeconds(5)).Build(), CancellationToken.None);
        Assert.That(claimed, Has.Count.EqualTo(3));
        var (held, completed, retried) = (claimed[0], claimed[1], claimed[2]);
        await CompleteOneAsync(completed, "{}", null, RenewedAt);
        // Retried and claimed again by worker-a: the same owner, a newer attempt.
        await Queue.FailAsync(new TaskFailure(retried, "flaky", RenewedAt, RenewedAt), CancellationToken.None);
        var retriedAgain = await ClaimOneAsync(new ClaimBuilder().At(RenewedAt));
        // A task held by another worker.
        var others = await new WorkflowBuilder().CreatedAt(RenewedAt).CreateAsync(Repository);
        var othersTask = await ClaimOneAsync(new ClaimBuilder().By("worker-b").At(RenewedAt));
        var othersLease = await Storage.ReadLeaseAsync(othersTask.Id);
        var retriedLease = await Storage.ReadLeaseAsync(retriedAgain.Id);

        var renewed = await Queue.RenewLeasesAsync(
            new LeaseRenewal(
                "worker-a",
                [
                    new TaskClaim(held.Id, held.Attempt),
                    new TaskClaim(completed.Id, completed.Attempt),
                    new TaskClaim(retried.Id, retried.Attempt),
                    new TaskClaim(othersTask.Id, othersTask.Attempt),
                ],
                RenewedExpiry.AddMinutes(1),
                RenewedAt.AddMinutes(1)),
            CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(renewed, Is.EqualTo(new[] { held.Id }));
            Assert.That(await Storage.ReadLeaseAsync(held.Id), Is.EqualTo(new TaskLease("worker-a", RenewedExpiry.AddMinutes(1))));
            Assert.That(await Storage.ReadLeaseAsync(completed.Id), Is.Null);
            Assert.That(await Storage.ReadLeaseAsync(retriedAgain.Id), Is.EqualTo(retriedLease), "a stale attempt renews nothing");
            Assert.That(await Storage.ReadLeaseAsync(othersTask.Id), Is.EqualTo(othersLease), "another owner's lease stays");
            Assert.That((await TaskAsync(others.Id)).Status, Is.EqualTo(WorkflowTaskStatus.Running));
        }
    }

    [Test]
    public async Task RenewLeasesAsync_NoTasks_ReturnsEmptyAndChangesNothing()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        var before = await SnapshotAsync();

        var renewed = await Queue.RenewLeasesAsync(
            new LeaseRenewal("worker-a", [], RenewedExpiry, RenewedAt), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(renewed, Is.Empty);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task RenewLeasesAsync_LeaseRanOutButNotYetRecovered_RenewsIt()
    {
        // The holder is alive but late with its heartbeat; no sweep took the task, so it still holds it.
        await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        var late = FirstExpiry.AddSeconds(10);

        var renewed = await Queue.RenewLeasesAsync(
            new LeaseRenewal("worker-a", [new TaskClaim(task.Id, task.Attempt)], late + TestTimes.Lease, late),
            CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(renewed, Is.EqualTo(new[] { task.Id }));
            Assert.That(await RecoverExpiredLeasesAsync(late.AddSeconds(1), 10, CancellationToken.None), Is.Zero);
        }
    }

    [Test]
    public async Task ReleaseAsync_HeldTask_IsPendingAgainDueNowWithoutUsingTheAttempt()
    {
        var workflow = await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        var releasedAt = ClaimedAt.AddSeconds(20);

        var released = await Queue.ReleaseAsync(task, releasedAt, CancellationToken.None);

        var stored = await TaskAsync(workflow.Id);
        var found = await FindAsync(workflow.Id);
        var activity = await ActivityAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(released, Is.True);
            Assert.That(stored.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(stored.Attempt, Is.Zero, "the released attempt is not counted");
            Assert.That(stored.ScheduledAt, Is.EqualTo(releasedAt));
            Assert.That(stored.UpdatedAt, Is.EqualTo(releasedAt));
            Assert.That(stored.Error, Is.Null);
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null, "the lease ended");
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskReleased,
            }));
            Assert.That(activity[2].TaskId, Is.EqualTo(task.Id));
            Assert.That(SameJson(ActivityDetails.ForTask("ValidateOrder", 1), activity[2].Details), Is.True, activity[2].Details);
            Assert.That(activity[2].CreatedAt, Is.EqualTo(releasedAt));
        }
    }

    [Test]
    public async Task ReleaseAsync_HeldTask_IsClaimableAgainAtOnceWithTheSameAttemptNumber()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        var releasedAt = ClaimedAt.AddSeconds(20);
        await Queue.ReleaseAsync(task, releasedAt, CancellationToken.None);

        var again = await ClaimOneAsync(new ClaimBuilder().By("worker-b").At(releasedAt));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Id, Is.EqualTo(task.Id));
            Assert.That(again.Attempt, Is.EqualTo(1));
            Assert.That(again.LeaseOwner, Is.EqualTo("worker-b"));
        }
    }

    [Test]
    public async Task ReleaseAsync_RetriedTask_KeepsTheAttemptsBeforeIt()
    {
        var workflow = await new WorkflowBuilder().CreateAsync(Repository);
        var first = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        await Queue.FailAsync(new TaskFailure(first, "flaky", RenewedAt, RenewedAt), CancellationToken.None);
        var second = await ClaimOneAsync(new ClaimBuilder().At(RenewedAt));

        var released = await Queue.ReleaseAsync(second, RenewedAt.AddSeconds(1), CancellationToken.None);

        var stored = await TaskAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(released, Is.True);
            Assert.That(stored.Attempt, Is.EqualTo(1), "the failed attempt still counts");
            Assert.That(stored.Error, Is.EqualTo("flaky"), "the last error stays");
        }
    }

    [Test]
    public async Task ReleaseAsync_NotTheHolder_ReturnsFalseAndChangesNothing()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        var before = await SnapshotAsync();

        var wrongOwner = await Queue.ReleaseAsync(task with { LeaseOwner = "worker-b" }, RenewedAt, CancellationToken.None);
        var staleAttempt = await Queue.ReleaseAsync(task with { Attempt = 2 }, RenewedAt, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(wrongOwner, Is.False);
            Assert.That(staleAttempt, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task ReleaseAsync_StaleHolderAfterRetry_ReturnsFalseAndChangesNothing()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var first = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        await Queue.FailAsync(new TaskFailure(first, "flaky", RenewedAt, RenewedAt), CancellationToken.None);
        await ClaimOneAsync(new ClaimBuilder().At(RenewedAt));
        var before = await SnapshotAsync();

        var released = await Queue.ReleaseAsync(first, RenewedAt.AddSeconds(1), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(released, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task ReleaseAsync_CompletedTask_ReturnsFalseAndChangesNothing()
    {
        await new WorkflowBuilder().Named("Single").WithTasks("Only").CreateAsync(Repository);
        var task = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        await CompleteOneAsync(task, "{}", null, RenewedAt);
        var before = await SnapshotAsync();

        var released = await Queue.ReleaseAsync(task, RenewedAt.AddSeconds(1), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(released, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }
}
