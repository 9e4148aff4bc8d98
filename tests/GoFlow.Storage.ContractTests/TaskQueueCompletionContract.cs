using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="ITaskQueue.CompleteAsync"/> and the final branch of <see cref="ITaskQueue.FailAsync"/> (no retry), and the
/// guard every write after a claim carries: only the holder of the claim (RUNNING, same owner, same attempt) changes
/// anything. Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class TaskQueueCompletionContract : StorageContract
{
    private static readonly DateTimeOffset FinishedAt = TestTimes.Start.AddSeconds(30);

    [Test]
    public async Task CompleteAsync_StepWithANextStep_CompletesTaskAndQueuesTheNextWithItsOutput()
    {
        var builder = new WorkflowBuilder().WithMaxAttempts(2, 5, 1);
        var workflow = await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync();
        const string output = """{"order_id":"A-1","amount":42,"validated":true}""";

        var completed = await CompleteOneAsync(task, output, builder.Definition.StepAfter(task.StepIndex), FinishedAt);

        var found = await FindAsync(workflow.Id);
        var activity = await ActivityAsync(workflow.Id);
        Assert.That(completed, Is.True);
        Assert.That(found.Tasks, Has.Count.EqualTo(2));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Completed));
            Assert.That(SameJson(output, found.Tasks[0].OutputPayload), Is.True);
            Assert.That(found.Tasks[0].Attempt, Is.EqualTo(1));
            Assert.That(found.Tasks[0].UpdatedAt, Is.EqualTo(FinishedAt));
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null, "the lease ended");
            Assert.That(found.Tasks[1].StepIndex, Is.EqualTo(1));
            Assert.That(found.Tasks[1].TaskName, Is.EqualTo("DeductMoney"));
            Assert.That(found.Tasks[1].Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(found.Tasks[1].Attempt, Is.Zero);
            Assert.That(found.Tasks[1].MaxAttempts, Is.EqualTo(5), "the next step's own policy");
            Assert.That(found.Tasks[1].ScheduledAt, Is.EqualTo(FinishedAt));
            Assert.That(SameJson(output, found.Tasks[1].InputPayload), Is.True);
            Assert.That(found.Tasks[1].OutputPayload, Is.Null);
            Assert.That(found.Tasks[1].Error, Is.Null);
            Assert.That(found.Tasks[1].CreatedAt, Is.EqualTo(FinishedAt));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
            Assert.That(SameJson(output, found.Workflow.CurrentInput), Is.True);
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(FinishedAt));
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskCompleted,
            }));
            Assert.That(activity[2].TaskId, Is.EqualTo(task.Id));
            Assert.That(SameJson(ActivityDetails.ForTask("ValidateOrder", 1), activity[2].Details), Is.True);
            Assert.That(activity[2].CreatedAt, Is.EqualTo(FinishedAt));
        }
    }

    [Test]
    public async Task CompleteAsync_StepWithANextStep_NextTaskIsClaimableAtOnce()
    {
        var builder = new WorkflowBuilder().WithMaxAttempts(2, 5, 1);
        var workflow = await builder.CreateAsync(Repository);
        var first = await ClaimOneAsync();
        const string output = """{"validated":true}""";
        await CompleteOneAsync(first, output, builder.Definition.StepAfter(0), FinishedAt);

        var next = await ClaimOneAsync(new ClaimBuilder().At(FinishedAt));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(next.Id, Is.Not.EqualTo(first.Id));
            Assert.That(next.WorkflowId, Is.EqualTo(workflow.Id));
            Assert.That(next.StepIndex, Is.EqualTo(1));
            Assert.That(next.TaskName, Is.EqualTo("DeductMoney"));
            Assert.That(next.Attempt, Is.EqualTo(1));
            Assert.That(next.MaxAttempts, Is.EqualTo(5));
            Assert.That(SameJson(output, next.InputPayload), Is.True);
            Assert.That((await FindAsync(workflow.Id)).Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
        }
    }

    [Test]
    public async Task CompleteAsync_LastStep_CompletesTheWorkflowWithTheOutput()
    {
        var builder = new WorkflowBuilder().Named("Single").WithTasks("OnlyStep");
        var workflow = await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync();
        const string output = """{"done":true}""";

        var completed = await CompleteOneAsync(task, output, null, FinishedAt);

        var found = await FindAsync(workflow.Id);
        var activity = await ActivityAsync(workflow.Id);
        Assert.That(completed, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Tasks, Has.Count.EqualTo(1), "no next task");
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Completed));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Completed));
            Assert.That(SameJson(output, found.Workflow.CurrentInput), Is.True, "the workflow's final output");
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(FinishedAt));
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskCompleted,
                ActivityAction.WorkflowCompleted,
            }));
            Assert.That(activity[3].TaskId, Is.Null);
            Assert.That(SameJson(ActivityDetails.ForWorkflow("Single"), activity[3].Details), Is.True);
            Assert.That(activity[3].CreatedAt, Is.EqualTo(FinishedAt));
        }
    }

    [Test]
    public async Task CompleteAsync_EveryStep_RunsTheWorkflowToCompletionInStepOrder()
    {
        var builder = new WorkflowBuilder();
        var workflow = await builder.CreateAsync(Repository);
        var now = TestTimes.Start;

        for (var step = 0; step < 3; step++)
        {
            now = now.AddSeconds(1);
            var task = await ClaimOneAsync(new ClaimBuilder().At(now));
            Assert.That(task.StepIndex, Is.EqualTo(step));
            var completed = await CompleteOneAsync(task, $$"""{"step":{{step}}}""", builder.Definition.StepAfter(step), now);
            Assert.That(completed, Is.True);
        }

        var found = await FindAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Completed));
            Assert.That(SameJson("""{"step":2}""", found.Workflow.CurrentInput), Is.True);
            Assert.That(found.Tasks.Select(task => task.TaskName), Is.EqualTo(new[] { "ValidateOrder", "DeductMoney", "SendEmail" }));
            Assert.That(found.Tasks.Select(task => task.Status), Is.All.EqualTo(WorkflowTaskStatus.Completed));
            Assert.That(await ActionsOfAsync(workflow.Id), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated,
                ActivityAction.TaskStarted, ActivityAction.TaskCompleted,
                ActivityAction.TaskStarted, ActivityAction.TaskCompleted,
                ActivityAction.TaskStarted, ActivityAction.TaskCompleted,
                ActivityAction.WorkflowCompleted,
            }));
            Assert.That(await Queue.ClaimAsync(new ClaimBuilder().At(now.AddDays(1)).Build(), CancellationToken.None), Is.Empty);
        }
    }

    [Test]
    public async Task FailAsync_NoRetry_FailsTaskAndWorkflowAndCreatesNothingElse()
    {
        var workflow = await new WorkflowBuilder().WithInput("""{"amount":-5}""").CreateAsync(Repository);
        var task = await ClaimOneAsync();

        var failed = await Queue.FailAsync(
            new TaskFailure(task, "amount must be a number greater than 0", RetryAt: null, FinishedAt), CancellationToken.None);

        var found = await FindAsync(workflow.Id);
        var activity = await ActivityAsync(workflow.Id);
        Assert.That(failed, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Tasks, Has.Count.EqualTo(1), "no next task");
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Failed));
            Assert.That(found.Tasks[0].Error, Is.EqualTo("amount must be a number greater than 0"));
            Assert.That(found.Tasks[0].Attempt, Is.EqualTo(1));
            Assert.That(found.Tasks[0].OutputPayload, Is.Null);
            Assert.That(found.Tasks[0].UpdatedAt, Is.EqualTo(FinishedAt));
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null, "the lease ended");
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Failed));
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(FinishedAt));
            Assert.That(SameJson("""{"amount":-5}""", found.Workflow.CurrentInput), Is.True, "the input stays");
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskFailed,
                ActivityAction.WorkflowFailed,
            }));
            Assert.That(activity[2].TaskId, Is.EqualTo(task.Id));
            Assert.That(SameJson(
                ActivityDetails.ForTask("ValidateOrder", 1, "amount must be a number greater than 0"),
                activity[2].Details), Is.True, activity[2].Details);
            Assert.That(activity[3].TaskId, Is.Null);
            Assert.That(SameJson(ActivityDetails.ForWorkflow("OrderProcess"), activity[3].Details), Is.True);
            Assert.That(await Queue.ClaimAsync(new ClaimBuilder().At(FinishedAt.AddDays(1)).Build(), CancellationToken.None),
                Is.Empty, "a failed task is never claimed again");
        }
    }

    [Test]
    public async Task CompleteAsync_WrongOwner_ReturnsFalseAndChangesNothing()
    {
        var builder = new WorkflowBuilder();
        await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync();
        var before = await SnapshotAsync();

        var completed = await CompleteOneAsync(task with { LeaseOwner = "worker-b" }, "{}", builder.Definition.StepAfter(0), FinishedAt);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(completed, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task FailAsync_WrongOwner_ReturnsFalseAndChangesNothing(bool withRetry)
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimOneAsync();
        var before = await SnapshotAsync();

        var failed = await Queue.FailAsync(
            new TaskFailure(task with { LeaseOwner = "worker-b" }, "boom", withRetry ? FinishedAt.AddMinutes(1) : null, FinishedAt),
            CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failed, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task CompleteAsync_StaleAttempt_ReturnsFalseAndChangesNothing()
    {
        var builder = new WorkflowBuilder();
        await builder.CreateAsync(Repository);
        var firstAttempt = await ClaimOneAsync();
        // The first attempt failed and was retried; the same worker holds the second attempt now.
        await Queue.FailAsync(new TaskFailure(firstAttempt, "flaky", FinishedAt, FinishedAt), CancellationToken.None);
        var secondAttempt = await ClaimOneAsync(new ClaimBuilder().At(FinishedAt));
        var before = await SnapshotAsync();

        var completed = await CompleteOneAsync(firstAttempt, "{}", builder.Definition.StepAfter(0), FinishedAt.AddSeconds(1));
        var failed = await Queue.FailAsync(
            new TaskFailure(firstAttempt, "late", null, FinishedAt.AddSeconds(1)), CancellationToken.None);
        var retried = await Queue.FailAsync(
            new TaskFailure(firstAttempt, "late", FinishedAt.AddMinutes(1), FinishedAt.AddSeconds(1)), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(secondAttempt.Id, Is.EqualTo(firstAttempt.Id));
            Assert.That(secondAttempt.Attempt, Is.EqualTo(2));
            Assert.That(secondAttempt.LeaseOwner, Is.EqualTo(firstAttempt.LeaseOwner), "only the attempt tells them apart");
            Assert.That(completed, Is.False);
            Assert.That(failed, Is.False);
            Assert.That(retried, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task CompleteAsync_SameClaimTwice_AnswersTheSecondAsItsOwnCommitAndQueuesOneNextTask()
    {
        var builder = new WorkflowBuilder();
        var workflow = await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync();
        const string output = """{"validated":true}""";
        var first = await CompleteOneAsync(task, output, builder.Definition.StepAfter(0), FinishedAt);
        var afterFirst = await SnapshotAsync();

        // The same claim completing again is how a retry after a lost acknowledgement looks: it hears of its own commit
        // (ADR 0011), and nothing is written twice.
        var second = await CompleteOneAsync(task, output, builder.Definition.StepAfter(0), FinishedAt.AddSeconds(1));
        var failAfterwards = await Queue.FailAsync(new TaskFailure(task, "late", null, FinishedAt), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.True);
            Assert.That(second, Is.True);
            Assert.That(failAfterwards, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(afterFirst));
            Assert.That(await ActionsOfAsync(workflow.Id), Has.Exactly(1).EqualTo(ActivityAction.TaskCompleted));
            Assert.That((await FindAsync(workflow.Id)).Tasks, Has.Count.EqualTo(2));
        }
    }

    [Test]
    public async Task FailAsync_AfterFinalFailure_ReturnsFalseAndChangesNothing()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimOneAsync();
        await Queue.FailAsync(new TaskFailure(task, "boom", null, FinishedAt), CancellationToken.None);
        var before = await SnapshotAsync();

        var again = await Queue.FailAsync(new TaskFailure(task, "boom again", null, FinishedAt.AddSeconds(1)), CancellationToken.None);
        var completed = await CompleteOneAsync(task, "{}", null, FinishedAt.AddSeconds(1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(again, Is.False);
            Assert.That(completed, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }
}
