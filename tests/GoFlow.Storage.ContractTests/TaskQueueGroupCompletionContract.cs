using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="ITaskQueue.CompleteAsync"/> given many completions at once (a group commit): each completion is recorded
/// as it would be alone, judged by its own claim, so one whose task is no longer held changes nothing and does not stop
/// the others; the store answers with exactly the completions it recorded, and with the next step's task of those that
/// asked for it to be handed over (claimed at once by the same owner). (A batch of one:
/// <see cref="TaskQueueCompletionContract"/>.) Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class TaskQueueGroupCompletionContract : StorageContract
{
    private static readonly DateTimeOffset ClaimedAt = TestTimes.Start.AddSeconds(1);
    private static readonly DateTimeOffset FinishedAt = TestTimes.Start.AddSeconds(30);

    // Two definitions with a next step, each with its own policy for it, and two one-step definitions with different
    // names: a store that mixes up the rows of a batch writes the wrong policy, input or name somewhere.
    private static WorkflowBuilder OrderProcessWorkflow() => new WorkflowBuilder().WithMaxAttempts(2, 5, 1);

    private static WorkflowBuilder RefundWorkflow() =>
        new WorkflowBuilder().Named("Refund").WithTasks("CheckRefund", "PayBack").WithMaxAttempts(3, 7);

    private static WorkflowBuilder SingleWorkflow() => new WorkflowBuilder().Named("Single").WithTasks("Only");

    private static WorkflowBuilder NotifyWorkflow() => new WorkflowBuilder().Named("Notify").WithTasks("SendEmail");

    [Test]
    public async Task CompleteAsync_BatchAcrossWorkflows_RecordsEachAdvanceAndEachFinishInOneCall()
    {
        var completions = await ClaimFourWithCompletionsAsync();

        var recorded = await Queue.CompleteAsync(completions, FinishedAt, CancellationToken.None);

        Assert.That(recorded, Is.EquivalentTo(WithoutHandOver(completions)), "every completion was held, so every one is recorded");
        await AssertAdvancedAsync(completions[0], nextTaskName: "DeductMoney", nextMaxAttempts: 5, FinishedAt);
        await AssertFinishedAsync(completions[1], "Single", FinishedAt);
        await AssertAdvancedAsync(completions[2], nextTaskName: "PayBack", nextMaxAttempts: 7, FinishedAt);
        await AssertFinishedAsync(completions[3], "Notify", FinishedAt);
    }

    [Test]
    public async Task CompleteAsync_BatchWithNextSteps_EachNextTaskIsClaimableAtOnceWithItsOwnInput()
    {
        var completions = await ClaimFourWithCompletionsAsync();
        await Queue.CompleteAsync(completions, FinishedAt, CancellationToken.None);

        var next = await Queue.ClaimAsync(new ClaimBuilder().At(FinishedAt).Build(), CancellationToken.None);

        var order = completions[0];
        var refund = completions[2];
        Assert.That(next.Select(task => task.WorkflowId), Is.EquivalentTo(new[] { order.Task.WorkflowId, refund.Task.WorkflowId }),
            "only the advanced workflows have a task left, and both are due at once");
        var nextOrder = next.Single(task => task.WorkflowId == order.Task.WorkflowId);
        var nextRefund = next.Single(task => task.WorkflowId == refund.Task.WorkflowId);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((nextOrder.StepIndex, nextOrder.TaskName, nextOrder.MaxAttempts), Is.EqualTo((1, "DeductMoney", 5)));
            Assert.That(SameJson(order.OutputPayload, nextOrder.InputPayload), Is.True, nextOrder.InputPayload);
            Assert.That((nextRefund.StepIndex, nextRefund.TaskName, nextRefund.MaxAttempts), Is.EqualTo((1, "PayBack", 7)));
            Assert.That(SameJson(refund.OutputPayload, nextRefund.InputPayload), Is.True, nextRefund.InputPayload);
        }
    }

    [Test]
    public async Task CompleteAsync_EmptyBatch_ReturnsEmptyAndChangesNothing()
    {
        await ClaimFourWithCompletionsAsync();
        var before = await SnapshotAsync();

        var recorded = await Queue.CompleteAsync([], FinishedAt, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(recorded, Is.Empty);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task CompleteAsync_BatchWithTasksNoLongerHeld_RecordsAndReturnsOnlyTheHeldOnes()
    {
        // All four were claimed by worker-a. A's lease ran out first: the sweep took it back and worker-b holds it now.
        // B's ran out next: the sweep took it back and nobody has claimed it yet. C and D are still worker-a's.
        var a = await SingleWorkflow().CreatedAt(TestTimes.Start).CreateAsync(Repository);
        var stalledA = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt).LeasedFor(TimeSpan.FromMinutes(1)));
        var b = await OrderProcessWorkflow().CreatedAt(TestTimes.Start).CreateAsync(Repository);
        var stalledB = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt).LeasedFor(TimeSpan.FromMinutes(2)));
        await OrderProcessWorkflow().CreatedAt(TestTimes.Start).CreateAsync(Repository);
        var heldC = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt).LeasedFor(TimeSpan.FromMinutes(10)));
        await NotifyWorkflow().CreatedAt(TestTimes.Start).CreateAsync(Repository);
        var heldD = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt).LeasedFor(TimeSpan.FromMinutes(10)));
        Assert.That(await RecoverExpiredLeasesAsync(ClaimedAt.AddSeconds(90), 10, CancellationToken.None), Is.EqualTo(1));
        var currentA = await ClaimTaskOfAsync(a.Id, ClaimedAt.AddSeconds(90), owner: "worker-b");
        Assert.That(await RecoverExpiredLeasesAsync(ClaimedAt.AddSeconds(150), 10, CancellationToken.None), Is.EqualTo(1));
        var aBefore = await StateOfAsync(a.Id);
        var bBefore = await StateOfAsync(b.Id);
        Assert.That(bBefore.Details.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Pending), "the test's own setup");
        var now = ClaimedAt.AddSeconds(160);
        var completeC = Completion(heldC, """{"c":true}""", OrderProcessWorkflow().Definition.StepAfter(0));
        var completeD = Completion(heldD, """{"d":true}""", null);

        var recorded = await Queue.CompleteAsync(
            [
                Completion(stalledA, """{"late":"a"}""", null),
                completeC,
                Completion(stalledB, """{"late":"b"}""", OrderProcessWorkflow().Definition.StepAfter(0)),
                completeD,
            ],
            now,
            CancellationToken.None);

        Assert.That(recorded, Is.EquivalentTo(WithoutHandOver(completeC, completeD)));
        using (Assert.EnterMultipleScope())
        {
            await AssertUnchangedAsync(aBefore, "A, now worker-b's");
            Assert.That(await Storage.ReadLeaseAsync(currentA.Id), Is.EqualTo(new TaskLease("worker-b", currentA.LeaseExpiresAt)));
            await AssertUnchangedAsync(bBefore, "B, taken back and not claimed again");
            Assert.That(await Storage.ReadLeaseAsync(stalledB.Id), Is.Null);
        }

        await AssertAdvancedAsync(completeC, nextTaskName: "DeductMoney", nextMaxAttempts: 5, now);
        await AssertFinishedAsync(completeD, "Notify", now);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task CompleteAsync_StaleAndCurrentAttemptOfOneTaskInOneBatch_RecordsOnlyTheCurrent(bool staleFirst)
    {
        var workflow = await OrderProcessWorkflow().CreatedAt(TestTimes.Start).CreateAsync(Repository);
        var firstAttempt = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        // The first attempt failed and was retried; the same worker holds the second attempt now.
        await Queue.FailAsync(new TaskFailure(firstAttempt, "flaky", ClaimedAt.AddSeconds(1), ClaimedAt.AddSeconds(1)),
            CancellationToken.None);
        var secondAttempt = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt.AddSeconds(1)));
        Assert.That((secondAttempt.Id, secondAttempt.Attempt, secondAttempt.LeaseOwner),
            Is.EqualTo((firstAttempt.Id, 2, firstAttempt.LeaseOwner)), "only the attempt tells them apart");
        var stale = Completion(firstAttempt, """{"attempt":1}""", OrderProcessWorkflow().Definition.StepAfter(0));
        var current = Completion(secondAttempt, """{"attempt":2}""", OrderProcessWorkflow().Definition.StepAfter(0));

        var recorded = await Queue.CompleteAsync(staleFirst ? [stale, current] : [current, stale], FinishedAt, CancellationToken.None);

        Assert.That(recorded, Is.EquivalentTo(WithoutHandOver(current)));
        Assert.That(await ActionsOfAsync(workflow.Id), Has.Exactly(1).EqualTo(ActivityAction.TaskCompleted));
        await AssertAdvancedAsync(current, nextTaskName: "DeductMoney", nextMaxAttempts: 5, FinishedAt);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task CompleteAsync_BatchWithACancelledWorkflowsTask_RecordsOnlyTheOthers(bool cancelledHasNextStep)
    {
        var cancelledBuilder = cancelledHasNextStep ? RefundWorkflow() : NotifyWorkflow();
        var cancelled = await cancelledBuilder.CreatedAt(TestTimes.Start).CreateAsync(Repository);
        await OrderProcessWorkflow().CreatedAt(TestTimes.Start.AddSeconds(0.5)).CreateAsync(Repository);
        await SingleWorkflow().CreatedAt(TestTimes.Start.AddSeconds(0.5)).CreateAsync(Repository);
        var claimed = await Queue.ClaimAsync(new ClaimBuilder().At(ClaimedAt).Build(), CancellationToken.None);
        Assert.That(claimed, Has.Count.EqualTo(3), "the test's own setup");
        var cancelledTask = claimed.Single(task => task.WorkflowId == cancelled.Id);
        var advancing = claimed.Single(task => task.WorkflowName == "OrderProcess");
        var finishing = claimed.Single(task => task.WorkflowName == "Single");
        Assert.That((await Repository.CancelAsync(cancelled.Id, ClaimedAt.AddSeconds(5), CancellationToken.None)).Outcome,
            Is.EqualTo(WorkflowChangeOutcome.Changed));
        var cancelledBefore = await StateOfAsync(cancelled.Id);
        var completeAdvancing = Completion(advancing, """{"validated":true}""", OrderProcessWorkflow().Definition.StepAfter(0));
        var completeFinishing = Completion(finishing, """{"only":true}""", null);

        var recorded = await Queue.CompleteAsync(
            [
                completeAdvancing,
                Completion(cancelledTask, """{"late":true}""", cancelledBuilder.Definition.StepAfter(0)),
                completeFinishing,
            ],
            FinishedAt,
            CancellationToken.None);

        Assert.That(recorded, Is.EquivalentTo(WithoutHandOver(completeAdvancing, completeFinishing)));
        using (Assert.EnterMultipleScope())
        {
            await AssertUnchangedAsync(cancelledBefore, "the cancelled workflow");
            Assert.That(cancelledBefore.Details.Workflow.Status, Is.EqualTo(WorkflowStatus.Cancelled));
            Assert.That(cancelledBefore.Details.Tasks.Select(task => task.Status), Is.EqualTo(new[] { WorkflowTaskStatus.Cancelled }));
        }

        await AssertAdvancedAsync(completeAdvancing, nextTaskName: "DeductMoney", nextMaxAttempts: 5, FinishedAt);
        await AssertFinishedAsync(completeFinishing, "Single", FinishedAt);
    }

    [Test]
    public async Task CompleteAsync_HandOverAsked_NextTaskIsClaimedAtOnceBySameOwnerAndReturned()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var builder = OrderProcessWorkflow().InTrace(traceParent);
        var workflow = await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        // Leased as the advance states, not for the completed claim's length.
        var handOverLease = TestTimes.Lease + TimeSpan.FromMinutes(2);
        var leaseUntil = FinishedAt + handOverLease;
        var completion = Completion(
            task, """{"validated":true}""", builder.Definition.StepAfter(0), handOver: true, handOverLease: handOverLease);

        var recorded = await Queue.CompleteAsync([completion], FinishedAt, CancellationToken.None);

        Assert.That(recorded.Keys, Is.EqualTo(new[] { completion }));
        var nextTask = recorded[completion];
        Assert.That(nextTask, Is.Not.Null, "the next step's task was handed over");
        var found = await FindAsync(workflow.Id);
        var activity = await ActivityAsync(workflow.Id);
        Assert.That(found.Tasks, Has.Count.EqualTo(2));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(nextTask! with { InputPayload = "" }, Is.EqualTo(new ClaimedTask(
                found.Tasks[1].Id, workflow.Id, "OrderProcess", 1, "DeductMoney", "", Attempt: 1, MaxAttempts: 5,
                task.LeaseOwner, leaseUntil, ScheduledAt: FinishedAt, TraceParent: traceParent)), "what a claim hands out");
            Assert.That(SameJson(completion.OutputPayload, nextTask.InputPayload), Is.True, nextTask.InputPayload);
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Completed));
            Assert.That(SameJson(completion.OutputPayload, found.Tasks[0].OutputPayload), Is.True);
            Assert.That(found.Tasks[1].Status, Is.EqualTo(WorkflowTaskStatus.Running));
            Assert.That(found.Tasks[1].Attempt, Is.EqualTo(1), "its first attempt counts, as a claim's does");
            Assert.That(found.Tasks[1].MaxAttempts, Is.EqualTo(5));
            Assert.That(found.Tasks[1].ScheduledAt, Is.EqualTo(FinishedAt));
            Assert.That(found.Tasks[1].CreatedAt, Is.EqualTo(FinishedAt));
            Assert.That(found.Tasks[1].UpdatedAt, Is.EqualTo(FinishedAt));
            Assert.That(SameJson(completion.OutputPayload, found.Tasks[1].InputPayload), Is.True);
            Assert.That(await Storage.ReadLeaseAsync(found.Tasks[1].Id), Is.EqualTo(new TaskLease(task.LeaseOwner, leaseUntil)));
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null);
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
            Assert.That(SameJson(completion.OutputPayload, found.Workflow.CurrentInput), Is.True);
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(FinishedAt));
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskCompleted, ActivityAction.TaskStarted,
            }));
            Assert.That((activity[2].TaskId, activity[2].CreatedAt), Is.EqualTo((task.Id, FinishedAt)));
            Assert.That((activity[3].TaskId, activity[3].CreatedAt), Is.EqualTo((found.Tasks[1].Id, FinishedAt)));
            Assert.That(SameJson(ActivityDetails.ForStartedTask("DeductMoney", 1, task.LeaseOwner), activity[3].Details), Is.True, activity[3].Details);
            Assert.That(found.Tasks.Select(stored => stored.WorkerId), Is.EqualTo(new[] { task.LeaseOwner, task.LeaseOwner }),
                "the completed task keeps its worker; the handed-over one names its holder");
        }
    }

    [Test]
    public async Task CompleteAsync_TimeFinerThanTheStoreKeeps_AnswersTheHandedOverTaskAsStored()
    {
        var builder = OrderProcessWorkflow();
        var workflow = await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        var completion = Completion(task, """{"validated":true}""", builder.Definition.StepAfter(0), handOver: true);

        var recorded = await Queue.CompleteAsync([completion], FinishedAt.AddTicks(3), CancellationToken.None);

        var nextTask = recorded.Single().Value!;
        var found = await FindAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(nextTask.ScheduledAt, Is.EqualTo(found.Tasks[1].ScheduledAt));
            Assert.That(await Storage.ReadLeaseAsync(nextTask.Id), Is.EqualTo(new TaskLease(task.LeaseOwner, nextTask.LeaseExpiresAt)));
            Assert.That(nextTask.LeaseExpiresAt, Is.EqualTo(FinishedAt + TestTimes.Lease), "the advance's lease length, from the store's time");
        }
    }

    [Test]
    public async Task CompleteAsync_SameCompletionAgainAfterItsCommit_AnsweredAsRecordedWithTheHandedOverTaskAndWritesNothingMore()
    {
        // A commit whose acknowledgement was lost: the caller sends the same completion again.
        var builder = OrderProcessWorkflow();
        var workflow = await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        var completion = Completion(task, """{"validated":true}""", builder.Definition.StepAfter(0), handOver: true);
        var first = await Queue.CompleteAsync([completion], FinishedAt, CancellationToken.None);
        var activityBefore = await ActivityAsync(workflow.Id);
        var retriedAt = FinishedAt.AddSeconds(5);
        var retry = completion with { };

        var again = await Queue.CompleteAsync([retry], retriedAt, CancellationToken.None);

        var found = await FindAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Keys, Is.EqualTo(new[] { retry }), "its own commit is recognised");
            Assert.That(again[retry]?.Id, Is.EqualTo(first[completion]!.Id), "the step handed over in that commit, once");
            Assert.That(again[retry]?.LeaseExpiresAt, Is.EqualTo(retriedAt + TestTimes.Lease));
            Assert.That(await Storage.ReadLeaseAsync(first[completion]!.Id), Is.EqualTo(new TaskLease(task.LeaseOwner, retriedAt + TestTimes.Lease)),
                "the handed-over step's lease is renewed, so it does not wait for the sweep");
            Assert.That(found.Tasks, Has.Count.EqualTo(2));
            Assert.That(await ActivityAsync(workflow.Id), Is.EqualTo(activityBefore), "nothing is logged twice");
        }
    }

    [Test]
    public async Task CompleteAsync_CompletedByAnotherAttempt_IsNotMistakenForALostAcknowledgement()
    {
        var builder = SingleWorkflow();
        await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        await Queue.CompleteAsync([Completion(task, "{}", null)], FinishedAt, CancellationToken.None);
        var before = await SnapshotAsync();

        var otherWorker = await Queue.CompleteAsync(
            [Completion(task with { LeaseOwner = "worker-b" }, "{}", null)], FinishedAt, CancellationToken.None);
        var otherAttempt = await Queue.CompleteAsync(
            [Completion(task with { Attempt = task.Attempt + 1 }, "{}", null)], FinishedAt, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(otherWorker, Is.Empty);
            Assert.That(otherAttempt, Is.Empty);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task CompleteAsync_HandedOverTask_OnlyItsHolderHasItUntilItsLeaseEnds()
    {
        var builder = OrderProcessWorkflow();
        await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync(new ClaimBuilder().At(ClaimedAt));
        var leaseUntil = FinishedAt + TestTimes.Lease;
        var recorded = await Queue.CompleteAsync(
            [Completion(task, """{"validated":true}""", builder.Definition.StepAfter(0), handOver: true)],
            FinishedAt,
            CancellationToken.None);
        var nextTask = recorded.Single().Value!;

        var claimedByOthers = await Queue.ClaimAsync(new ClaimBuilder().By("worker-b").At(FinishedAt).Build(), CancellationToken.None);
        var sweptBeforeExpiry = await RecoverExpiredLeasesAsync(leaseUntil - TestTimes.Microsecond, 10, CancellationToken.None);
        var renewed = await Queue.RenewLeasesAsync(
            new LeaseRenewal(nextTask.LeaseOwner, [new TaskClaim(nextTask.Id, nextTask.Attempt)], leaseUntil.AddMinutes(1), FinishedAt),
            CancellationToken.None);
        var sweptAfterExpiry = await RecoverExpiredLeasesAsync(leaseUntil.AddMinutes(1).AddSeconds(1), 10, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(claimedByOthers, Is.Empty, "a handed-over task is held, not PENDING");
            Assert.That(sweptBeforeExpiry, Is.Zero);
            Assert.That(renewed, Is.EqualTo(new[] { nextTask.Id }), "its holder holds it by its claim");
            Assert.That(sweptAfterExpiry, Is.EqualTo(1), "its lease is a lease like any other");
        }
    }

    [Test]
    public async Task CompleteAsync_BatchMixingHandOversAndNot_HandsOverOnlyTheHeldOnesThatAsked()
    {
        var completions = await ClaimFourWithCompletionsAsync();
        var leaseUntil = FinishedAt + TestTimes.Lease;
        var handOver = Completion(completions[0].Task, completions[0].OutputPayload, completions[0].Advance!.Step, handOver: true);
        var refund = completions[2];
        var refundBefore = await StateOfAsync(refund.Task.WorkflowId);
        var notHeld = Completion(refund.Task with { LeaseOwner = "worker-b" }, refund.OutputPayload, refund.Advance!.Step, handOver: true);

        var recorded = await Queue.CompleteAsync(
            [handOver, completions[1], notHeld, completions[3]], FinishedAt, CancellationToken.None);

        Assert.That(recorded.Keys, Is.EquivalentTo(new[] { handOver, completions[1], completions[3] }));
        var order = await FindAsync(handOver.Task.WorkflowId);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(recorded[handOver]?.Id, Is.EqualTo(order.Tasks[^1].Id));
            Assert.That(recorded.Where(entry => entry.Key != handOver).Select(entry => entry.Value), Is.All.Null);
            Assert.That(order.Tasks.Select(task => task.Status),
                Is.EqualTo(new[] { WorkflowTaskStatus.Completed, WorkflowTaskStatus.Running }));
            await AssertUnchangedAsync(refundBefore, "the workflow whose completion was not held");
        }

        await AssertFinishedAsync(completions[1], "Single", FinishedAt);
        await AssertFinishedAsync(completions[3], "Notify", FinishedAt);
    }

    /// <summary>
    /// Four workflows, each with its first task claimed by worker-a, and a completion for each with an output of its
    /// own: [0] OrderProcess advances, [1] Single finishes, [2] Refund advances, [3] Notify finishes.
    /// </summary>
    private async Task<TaskCompletion[]> ClaimFourWithCompletionsAsync()
    {
        var builders = new[] { OrderProcessWorkflow(), SingleWorkflow(), RefundWorkflow(), NotifyWorkflow() };
        var workflows = new List<WorkflowId>();
        for (var i = 0; i < builders.Length; i++)
        {
            workflows.Add((await builders[i].CreatedAt(TestTimes.Start.AddMilliseconds(i)).CreateAsync(Repository)).Id);
        }

        var claimed = await Queue.ClaimAsync(new ClaimBuilder().At(ClaimedAt).Build(), CancellationToken.None);
        Assert.That(claimed.Select(task => task.WorkflowId), Is.EquivalentTo(workflows), "the test's own setup");
        var completions = workflows
            .Select((id, i) => Completion(
                claimed.Single(task => task.WorkflowId == id),
                $$"""{"workflow":{{i}},"by":"{{builders[i].Definition.Name}}"}""",
                builders[i].Definition.StepAfter(0)))
            .ToArray();
        return completions;
    }

    /// <summary>The completed task moved its workflow on: the task COMPLETED, the next PENDING with its output, at <paramref name="at"/>.</summary>
    private async Task AssertAdvancedAsync(TaskCompletion completion, string nextTaskName, int nextMaxAttempts, DateTimeOffset at)
    {
        var task = completion.Task;
        var found = await FindAsync(task.WorkflowId);
        var activity = await ActivityAsync(task.WorkflowId);
        var because = $"workflow {task.WorkflowName} {task.WorkflowId}";
        Assert.That(found.Tasks, Has.Count.EqualTo(2), because);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Tasks[0].Id, Is.EqualTo(task.Id), because);
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Completed), because);
            Assert.That(found.Tasks[0].Attempt, Is.EqualTo(task.Attempt), because);
            Assert.That(SameJson(completion.OutputPayload, found.Tasks[0].OutputPayload), Is.True, because);
            Assert.That(found.Tasks[0].UpdatedAt, Is.EqualTo(at), because);
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null, because);
            Assert.That(found.Tasks[1].StepIndex, Is.EqualTo(1), because);
            Assert.That(found.Tasks[1].TaskName, Is.EqualTo(nextTaskName), because);
            Assert.That(found.Tasks[1].Status, Is.EqualTo(WorkflowTaskStatus.Pending), because);
            Assert.That(found.Tasks[1].Attempt, Is.Zero, because);
            Assert.That(found.Tasks[1].MaxAttempts, Is.EqualTo(nextMaxAttempts), because);
            Assert.That(SameJson(completion.OutputPayload, found.Tasks[1].InputPayload), Is.True, because);
            Assert.That(found.Tasks[1].ScheduledAt, Is.EqualTo(at), because);
            Assert.That(found.Tasks[1].CreatedAt, Is.EqualTo(at), because);
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Running), because);
            Assert.That(SameJson(completion.OutputPayload, found.Workflow.CurrentInput), Is.True, because);
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(at), because);
            Assert.That(activity[^1].Action, Is.EqualTo(ActivityAction.TaskCompleted), because);
            Assert.That(activity[^1].TaskId, Is.EqualTo(task.Id), because);
            Assert.That(SameJson(ActivityDetails.ForTask(task.TaskName, task.Attempt), activity[^1].Details), Is.True, because);
            Assert.That(activity[^1].CreatedAt, Is.EqualTo(at), because);
            Assert.That(activity.Where(entry => entry.CreatedAt == at).Select(entry => entry.Action),
                Is.EqualTo(new[] { ActivityAction.TaskCompleted }), because);
        }
    }

    /// <summary>The completed task was its workflow's last: both COMPLETED with its output, at <paramref name="at"/>.</summary>
    private async Task AssertFinishedAsync(TaskCompletion completion, string workflowName, DateTimeOffset at)
    {
        var task = completion.Task;
        var found = await FindAsync(task.WorkflowId);
        var activity = await ActivityAsync(task.WorkflowId);
        var because = $"workflow {task.WorkflowName} {task.WorkflowId}";
        Assert.That(found.Tasks, Has.Count.EqualTo(1), because + ": no next task");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Completed), because);
            Assert.That(SameJson(completion.OutputPayload, found.Tasks[0].OutputPayload), Is.True, because);
            Assert.That(found.Tasks[0].UpdatedAt, Is.EqualTo(at), because);
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null, because);
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Completed), because);
            Assert.That(SameJson(completion.OutputPayload, found.Workflow.CurrentInput), Is.True, because);
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(at), because);
            Assert.That(activity.Where(entry => entry.CreatedAt == at).Select(entry => entry.Action),
                Is.EqualTo(new[] { ActivityAction.TaskCompleted, ActivityAction.WorkflowCompleted }), because);
            Assert.That(activity[^2].TaskId, Is.EqualTo(task.Id), because);
            Assert.That(SameJson(ActivityDetails.ForTask(task.TaskName, task.Attempt), activity[^2].Details), Is.True, because);
            Assert.That(activity[^1].Action, Is.EqualTo(ActivityAction.WorkflowCompleted), because);
            Assert.That(activity[^1].TaskId, Is.Null, because);
            Assert.That(SameJson(ActivityDetails.ForWorkflow(workflowName), activity[^1].Details), Is.True, because);
            Assert.That(activity[^1].CreatedAt, Is.EqualTo(at), because);
        }
    }


    private async Task<WorkflowState> StateOfAsync(WorkflowId id) => new(id, await FindAsync(id), await ActivityAsync(id));

    /// <summary>The workflow, its tasks and its activity read as they were in <paramref name="before"/>, row by row.</summary>
    private async Task AssertUnchangedAsync(WorkflowState before, string which)
    {
        var after = await StateOfAsync(before.Id);
        Assert.That(after.Details.Workflow, Is.EqualTo(before.Details.Workflow), which);
        Assert.That(after.Details.Tasks, Is.EqualTo(before.Details.Tasks), which);
        Assert.That(after.Activity, Is.EqualTo(before.Activity), which);
    }

    private sealed record WorkflowState(WorkflowId Id, WorkflowDetails Details, IReadOnlyList<ActivityLogEntry> Activity);
}
