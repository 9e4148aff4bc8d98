using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="IWorkflowRepository.CreateManyAsync"/> with starts that hand their first task over to a worker of the
/// starting process (<see cref="NewWorkflow.HandOver"/>, ADR 0037): stored RUNNING with the first task held by that
/// worker, in the group's own transaction, as a start followed by a claim would have stored them. Subclass it and
/// implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class WorkflowCreateHandOverContract : StorageContract
{
    private const string Worker = "worker-h";

    /// <summary>When the group is written: a little after the starts were made.</summary>
    private static readonly DateTimeOffset WrittenAt = TestTimes.Start.AddMilliseconds(3);

    [Test]
    public async Task CreateManyAsync_HandedOver_StoresTheWorkflowRunningWithItsFirstTaskHeldByTheWorker()
    {
        var started = HandedOver(new WorkflowBuilder().Named("UserOnboarding").WithTasks("CreateAccount", "SendWelcomeEmail").WithMaxAttempts(7, 1));

        var answered = (await Repository.CreateManyAsync([started], WrittenAt, CancellationToken.None)).Single();

        var found = await FindAsync(started.Workflow.Id);
        var task = found.Tasks.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
            Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Running));
            Assert.That(task.Attempt, Is.EqualTo(1), "its first attempt, counted as a claim counts it");
            Assert.That(task.MaxAttempts, Is.EqualTo(7));
            Assert.That(task.WorkerId, Is.EqualTo(Worker));
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.EqualTo(new TaskLease(Worker, WrittenAt + TestTimes.Lease)),
                "leased from the group's write for the lease length");
            Assert.That(answered, Is.Not.Null);
            Assert.That(answered?.Id, Is.EqualTo(task.Id), "answered with the task the store made");
            Assert.That(answered?.LeaseOwner, Is.EqualTo(Worker));
            Assert.That(answered?.LeaseExpiresAt, Is.EqualTo(WrittenAt + TestTimes.Lease));
            Assert.That(answered?.Attempt, Is.EqualTo(1));
            Assert.That(answered?.TaskName, Is.EqualTo("CreateAccount"));
            Assert.That(answered?.WorkflowName, Is.EqualTo("UserOnboarding"));
        }
    }

    [Test]
    public async Task CreateManyAsync_HandedOver_ItsActivityReadsAsAStartThenAClaim()
    {
        var handedOver = HandedOver(new WorkflowBuilder());
        var (pendingWorkflow, pendingTask) = new WorkflowBuilder().Build();
        await Repository.CreateManyAsync([handedOver], WrittenAt, CancellationToken.None);
        await Repository.CreateManyAsync([new NewWorkflow(pendingWorkflow, pendingTask)], TestTimes.Start, CancellationToken.None);
        await ClaimTaskOfAsync(pendingWorkflow.Id, WrittenAt, Worker);

        var handedOverLog = await ActivityAsync(handedOver.Workflow.Id);
        var claimedLog = await ActivityAsync(pendingWorkflow.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(handedOverLog.Select(entry => entry.Action), Is.EqualTo(new[] { ActivityAction.WorkflowCreated, ActivityAction.TaskStarted }));
            Assert.That(handedOverLog.Select(entry => (entry.Action, entry.Details, entry.CreatedAt)),
                Is.EqualTo(claimedLog.Select(entry => (entry.Action, entry.Details, entry.CreatedAt))), "as a start then a claim at the same times");
            Assert.That(handedOverLog[0].TaskId, Is.Null, "WORKFLOW_CREATED is the workflow's");
            Assert.That(handedOverLog[1].TaskId, Is.EqualTo((await TaskAsync(handedOver.Workflow.Id)).Id), "TASK_STARTED names the task");
        }
    }

    [Test]
    public async Task CreateManyAsync_GroupWithSomeHandedOver_HandsOverOnlyThoseAndLeavesTheOthersDueForAnyWorker()
    {
        var (pendingWorkflow, pendingTask) = new WorkflowBuilder().Named("Single").WithTasks("Only").Build();
        NewWorkflow[] group = [HandedOver(new WorkflowBuilder()), new NewWorkflow(pendingWorkflow, pendingTask), HandedOver(new WorkflowBuilder())];

        var answered = await Repository.CreateManyAsync(group, WrittenAt, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answered, Has.Count.EqualTo(3));
            Assert.That(answered[0]?.WorkflowId, Is.EqualTo(group[0].Workflow.Id));
            Assert.That(answered[1], Is.Null, "left PENDING");
            Assert.That(answered[2]?.WorkflowId, Is.EqualTo(group[2].Workflow.Id));
            Assert.That(answered[0]?.Id, Is.Not.EqualTo(answered[2]?.Id));
            Assert.That((await FindAsync(pendingWorkflow.Id)).Workflow.Status, Is.EqualTo(WorkflowStatus.Pending));
            Assert.That(await ActionsOfAsync(pendingWorkflow.Id), Is.EqualTo(new[] { ActivityAction.WorkflowCreated }));
        }

        var claimed = await Queue.ClaimAsync(new ClaimBuilder().UpTo(10).At(WrittenAt.AddSeconds(1)).Build(), CancellationToken.None);
        Assert.That(claimed.Select(task => task.WorkflowId), Is.EqualTo(new[] { pendingWorkflow.Id }), "a handed-over task is held, not due");
    }

    [Test]
    public async Task CreateManyAsync_HandedOverTask_IsCompletedByItsHolderAsAClaimedOneIs()
    {
        var started = HandedOver(new WorkflowBuilder().Named("Single").WithTasks("Only"));
        var task = (await Repository.CreateManyAsync([started], WrittenAt, CancellationToken.None)).Single()!;

        var recorded = await CompleteOneAsync(task, """{"done":true}""", nextStep: null, WrittenAt.AddSeconds(1));

        Assert.That(recorded, Is.True, "held by its claim: the same owner and attempt");
        Assert.That((await FindAsync(started.Workflow.Id)).Workflow.Status, Is.EqualTo(WorkflowStatus.Completed));
    }

    [Test]
    public async Task CreateManyAsync_HolderDiesAfterTheCommit_TheLeaseSweepTakesTheTaskBackForAnotherWorker()
    {
        var started = HandedOver(new WorkflowBuilder());
        await Repository.CreateManyAsync([started], WrittenAt, CancellationToken.None);
        var expiry = WrittenAt + TestTimes.Lease;

        var earlySweep = await RecoverExpiredLeasesAsync(expiry.AddSeconds(-1), 10, CancellationToken.None);
        var sweep = await RecoverExpiredLeasesAsync(expiry + TestTimes.Microsecond, 10, CancellationToken.None);
        var reclaimed = await ClaimTaskOfAsync(started.Workflow.Id, expiry.AddSeconds(1), "worker-b");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(earlySweep, Is.Zero, "held while its lease lasts");
            Assert.That(sweep, Is.EqualTo(1));
            Assert.That(reclaimed.Attempt, Is.EqualTo(2), "the expired attempt counts (ADR 0007)");
            Assert.That(await ActionsOfAsync(started.Workflow.Id), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskLeaseExpired, ActivityAction.TaskStarted,
            }));
        }
    }

    [Test]
    public async Task CreateManyAsync_HandedOverGroupWithAnIdAlreadyStored_ThrowsAndStoresNoneOfTheGroup()
    {
        var existing = HandedOver(new WorkflowBuilder());
        await Repository.CreateManyAsync([existing], WrittenAt, CancellationToken.None);
        var before = await SnapshotAsync();
        NewWorkflow[] group = [HandedOver(new WorkflowBuilder()), existing];

        Assert.CatchAsync(async () => await Repository.CreateManyAsync(group, WrittenAt, CancellationToken.None));

        Assert.That(await SnapshotAsync(), Is.EqualTo(before), "all or none, lease and TASK_STARTED rows included");
    }

    private static NewWorkflow HandedOver(WorkflowBuilder builder)
    {
        var (workflow, firstTask) = builder.Build();
        return new NewWorkflow(workflow, firstTask, FirstStepHandOver.Of(firstTask, workflow.CreatedAt, Worker, TestTimes.Lease));
    }
}
