using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="IWorkflowRepository.CancelAsync"/>: a PENDING or RUNNING workflow and its unfinished task become CANCELLED;
/// the task is then out of the queue's reach (never claimed, renewed, swept, and its holder's late writes are rejected);
/// a finished workflow is left as it is. (A cancel racing a completion: <see cref="WorkflowOperationsConcurrencyContract"/>.)
/// Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class WorkflowCancelContract : StorageContract
{
    private static readonly DateTimeOffset ClaimedAt = TestTimes.Start.AddSeconds(1);
    private static readonly DateTimeOffset CancelledAt = TestTimes.Start.AddSeconds(20);

    [Test]
    public async Task CancelAsync_PendingWorkflow_CancelsItAndItsTask()
    {
        var workflow = await new WorkflowBuilder().CreateAsync(Repository);

        var result = await Repository.CancelAsync(workflow.Id, CancelledAt, CancellationToken.None);

        var found = await FindAsync(workflow.Id);
        var activity = await ActivityAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Cancelled)));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Cancelled));
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(CancelledAt));
            Assert.That(found.Tasks, Has.Count.EqualTo(1));
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Cancelled));
            Assert.That(found.Tasks[0].UpdatedAt, Is.EqualTo(CancelledAt));
            Assert.That(found.Tasks[0].Attempt, Is.Zero);
            Assert.That(activity.Select(entry => entry.Action),
                Is.EqualTo(new[] { ActivityAction.WorkflowCreated, ActivityAction.WorkflowCancelled }));
            Assert.That(activity[1].TaskId, Is.Null, "a row about the whole workflow");
            Assert.That(SameJson(ActivityDetails.ForWorkflow("OrderProcess"), activity[1].Details), Is.True, activity[1].Details);
            Assert.That(activity[1].CreatedAt, Is.EqualTo(CancelledAt));
        }
    }

    [Test]
    public async Task CancelAsync_RunningWorkflow_CancelsTheRunningTaskAndEndsItsLease()
    {
        var workflow = await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimTaskOfAsync(workflow.Id, ClaimedAt);

        var result = await Repository.CancelAsync(workflow.Id, CancelledAt, CancellationToken.None);

        var found = await FindAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Cancelled)));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Cancelled));
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Cancelled));
            Assert.That(found.Tasks[0].Attempt, Is.EqualTo(1), "the attempt that was running still counts");
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null);
            Assert.That(await ActionsOfAsync(workflow.Id), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.WorkflowCancelled,
            }));
        }
    }

    [Test]
    public async Task CancelAsync_WorkflowMidway_CancelsTheCurrentStepAndLeavesTheCompletedOnesAlone()
    {
        var builder = new WorkflowBuilder();
        var workflow = await builder.CreateAsync(Repository);
        var first = await ClaimTaskOfAsync(workflow.Id, ClaimedAt);
        await CompleteOneAsync(first, """{"step":1}""", builder.Definition.StepAfter(0), ClaimedAt);
        var completedStep = await TaskAsync(workflow.Id, 0);

        await Repository.CancelAsync(workflow.Id, CancelledAt, CancellationToken.None);

        var found = await FindAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Tasks, Has.Count.EqualTo(2));
            Assert.That(found.Tasks[0], Is.EqualTo(completedStep), "the completed step is untouched");
            Assert.That(found.Tasks[1].Status, Is.EqualTo(WorkflowTaskStatus.Cancelled));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Cancelled));
            Assert.That(SameJson("""{"step":1}""", found.Workflow.CurrentInput), Is.True, "the input of the step it stopped at");
        }
    }

    [Test]
    public async Task CancelAsync_PendingTask_IsNeverClaimed()
    {
        var workflow = await new WorkflowBuilder().CreateAsync(Repository);
        await Repository.CancelAsync(workflow.Id, CancelledAt, CancellationToken.None);

        var claimed = await Queue.ClaimAsync(new ClaimBuilder().At(CancelledAt.AddHours(1)).Build(), CancellationToken.None);

        Assert.That(claimed, Is.Empty);
    }

    [Test]
    public async Task CancelAsync_RunningTask_ItsHolderCanNoLongerWriteIt()
    {
        var builder = new WorkflowBuilder();
        var workflow = await builder.CreateAsync(Repository);
        var task = await ClaimTaskOfAsync(workflow.Id, ClaimedAt);
        await Repository.CancelAsync(workflow.Id, CancelledAt, CancellationToken.None);
        var before = await SnapshotAsync();
        var lateAt = CancelledAt.AddSeconds(1);

        var completed = await CompleteOneAsync(task, "{}", builder.Definition.StepAfter(0), lateAt);
        var lastCompleted = await CompleteOneAsync(task, "{}", null, lateAt);
        var failed = await Queue.FailAsync(new TaskFailure(task, "late", null, lateAt), CancellationToken.None);
        var retried = await Queue.FailAsync(new TaskFailure(task, "late", lateAt.AddSeconds(5), lateAt), CancellationToken.None);
        var released = await Queue.ReleaseAsync(task, lateAt, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(new[] { completed, lastCompleted, failed, retried, released }, Is.All.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before), "the late writes changed nothing");
        }
    }

    [Test]
    public async Task CancelAsync_RunningTask_ItsLeaseIsNoLongerRenewed()
    {
        var workflow = await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimTaskOfAsync(workflow.Id, ClaimedAt);
        await Repository.CancelAsync(workflow.Id, CancelledAt, CancellationToken.None);

        var renewed = await Queue.RenewLeasesAsync(
            new LeaseRenewal(task.LeaseOwner, [new TaskClaim(task.Id, task.Attempt)], CancelledAt + TestTimes.Lease, CancelledAt),
            CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(renewed, Is.Empty, "the holder learns at its next heartbeat that the task is no longer its own");
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null);
        }
    }

    [Test]
    public async Task CancelAsync_RunningTask_IsLeftAloneByTheLeaseSweep()
    {
        var workflow = await new WorkflowBuilder().WithMaxAttempts(1).CreateAsync(Repository);
        await ClaimTaskOfAsync(workflow.Id, ClaimedAt);
        await Repository.CancelAsync(workflow.Id, CancelledAt, CancellationToken.None);
        var before = await SnapshotAsync();

        var recovered = await RecoverExpiredLeasesAsync(ClaimedAt + TestTimes.Lease + TimeSpan.FromHours(1), 10, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(recovered, Is.Zero);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before), "the cancelled workflow does not become FAILED");
        }
    }

    [TestCase(WorkflowStatus.Completed)]
    [TestCase(WorkflowStatus.Failed)]
    [TestCase(WorkflowStatus.Cancelled)]
    public async Task CancelAsync_FinishedWorkflow_ReturnsConflictWithItsStatusAndChangesNothing(WorkflowStatus status)
    {
        var workflow = await CreateFinishedAsync(status, TestTimes.Start.AddSeconds(10));
        var before = await SnapshotAsync();

        var result = await Repository.CancelAsync(workflow, CancelledAt, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, status)));
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task CancelAsync_UnknownWorkflow_ReturnsNotFoundAndChangesNothing()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var before = await SnapshotAsync();

        var result = await Repository.CancelAsync(WorkflowId.New(TestTimes.Start), CancelledAt, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.NotFound, null)));
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task CancelAsync_OneOfSeveralWorkflows_LeavesTheOthersAlone()
    {
        var cancelled = await new WorkflowBuilder().CreatedAt(TestTimes.Start).CreateAsync(Repository);
        var other = await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddTicks(10)).CreateAsync(Repository);
        var otherBefore = await FindAsync(other.Id);

        await Repository.CancelAsync(cancelled.Id, CancelledAt, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await FindAsync(other.Id)).Workflow, Is.EqualTo(otherBefore.Workflow));
            Assert.That((await FindAsync(other.Id)).Tasks, Is.EqualTo(otherBefore.Tasks));
            Assert.That(await ActionsOfAsync(other.Id), Is.EqualTo(new[] { ActivityAction.WorkflowCreated }));
            Assert.That((await ClaimOneAsync(new ClaimBuilder().At(CancelledAt))).WorkflowId, Is.EqualTo(other.Id));
        }
    }
}
