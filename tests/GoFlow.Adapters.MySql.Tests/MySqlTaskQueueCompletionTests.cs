using GoFlow.Adapters.MySql.Tests.Builders;
using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql.Tests;

internal sealed class MySqlTaskQueueCompletionTests : MySqlDatabaseFixture
{
    private static readonly DateTimeOffset FinishedAt = TestTimes.Start.AddSeconds(30);

    [Test]
    public async Task CompleteAsync_StepWithANextStep_CompletesTaskAndQueuesTheNextWithItsOutput()
    {
        var builder = new WorkflowBuilder();
        var workflow = await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync();
        const string output = """{"order_id":"A-1","amount":42,"validated":true}""";

        var completed = await Queue.CompleteAsync(
            new TaskCompletion(task, output, builder.Definition.StepAfter(task.StepIndex), FinishedAt), CancellationToken.None);

        var found = (await Repository.FindAsync(workflow.Id, CancellationToken.None))!;
        var activity = (await Repository.GetActivityAsync(workflow.Id, CancellationToken.None))!;
        Assert.That(completed, Is.True);
        Assert.That(found.Tasks, Has.Count.EqualTo(2));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Completed));
            Assert.That(SameJson(output, found.Tasks[0].OutputPayload!), Is.True);
            Assert.That(found.Tasks[0].UpdatedAt, Is.EqualTo(FinishedAt));
            Assert.That(found.Tasks[1].StepIndex, Is.EqualTo(1));
            Assert.That(found.Tasks[1].TaskName, Is.EqualTo("DeductMoney"));
            Assert.That(found.Tasks[1].Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(found.Tasks[1].Attempt, Is.Zero);
            Assert.That(SameJson(output, found.Tasks[1].InputPayload), Is.True);
            Assert.That(found.Tasks[1].CreatedAt, Is.EqualTo(FinishedAt));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
            Assert.That(SameJson(output, found.Workflow.CurrentInput), Is.True);
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(FinishedAt));
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskCompleted,
            }));
            Assert.That(activity[2].TaskId, Is.EqualTo(task.Id));
            Assert.That(SameJson(ActivityDetails.ForTask("ValidateOrder", 1), activity[2].Details!), Is.True);
            Assert.That(await Database.ExecuteScalarAsync<string>(
                "SELECT lease_owner FROM tasks WHERE id = @Id", new { Id = task.Id.Value }), Is.Null, "the lease ended");
        }
    }

    [Test]
    public async Task CompleteAsync_StepWithANextStep_NextTaskIsClaimableAtOnce()
    {
        var builder = new WorkflowBuilder();
        await builder.CreateAsync(Repository);
        var first = await ClaimOneAsync();
        const string output = """{"validated":true}""";
        await Queue.CompleteAsync(
            new TaskCompletion(first, output, builder.Definition.StepAfter(0), FinishedAt), CancellationToken.None);

        var next = await Queue.ClaimAsync(new ClaimBuilder().At(FinishedAt).Build(), CancellationToken.None);

        Assert.That(next, Has.Count.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(next[0].StepIndex, Is.EqualTo(1));
            Assert.That(next[0].TaskName, Is.EqualTo("DeductMoney"));
            Assert.That(next[0].Attempt, Is.EqualTo(1));
            Assert.That(SameJson(output, next[0].InputPayload), Is.True);
        }
    }

    [Test]
    public async Task CompleteAsync_LastStep_CompletesTheWorkflowWithTheOutput()
    {
        var builder = new WorkflowBuilder().Named("Single").WithTasks("OnlyStep");
        var workflow = await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync();
        const string output = """{"done":true}""";

        var completed = await Queue.CompleteAsync(
            new TaskCompletion(task, output, builder.Definition.StepAfter(task.StepIndex), FinishedAt), CancellationToken.None);

        var found = (await Repository.FindAsync(workflow.Id, CancellationToken.None))!;
        var activity = (await Repository.GetActivityAsync(workflow.Id, CancellationToken.None))!;
        Assert.That(completed, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Tasks, Has.Count.EqualTo(1));
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Completed));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Completed));
            Assert.That(SameJson(output, found.Workflow.CurrentInput), Is.True);
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(FinishedAt));
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskCompleted,
                ActivityAction.WorkflowCompleted,
            }));
            Assert.That(activity[3].TaskId, Is.Null);
            Assert.That(SameJson(ActivityDetails.ForWorkflow("Single"), activity[3].Details!), Is.True);
        }
    }

    [Test]
    public async Task FailAsync_HeldTask_FailsTaskAndWorkflowAndCreatesNothingElse()
    {
        var workflow = await new WorkflowBuilder().WithInput("""{"amount":-5}""").CreateAsync(Repository);
        var task = await ClaimOneAsync();

        var failed = await Queue.FailAsync(
            new TaskFailure(task, "amount must be a number greater than 0", FinishedAt), CancellationToken.None);

        var found = (await Repository.FindAsync(workflow.Id, CancellationToken.None))!;
        var activity = (await Repository.GetActivityAsync(workflow.Id, CancellationToken.None))!;
        Assert.That(failed, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Tasks, Has.Count.EqualTo(1), "no next task");
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Failed));
            Assert.That(found.Tasks[0].Error, Is.EqualTo("amount must be a number greater than 0"));
            Assert.That(found.Tasks[0].OutputPayload, Is.Null);
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Failed));
            Assert.That(SameJson("""{"amount":-5}""", found.Workflow.CurrentInput), Is.True, "the input stays");
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskFailed,
                ActivityAction.WorkflowFailed,
            }));
            Assert.That(activity[2].TaskId, Is.EqualTo(task.Id));
            Assert.That(SameJson(
                ActivityDetails.ForTask("ValidateOrder", 1, "amount must be a number greater than 0"),
                activity[2].Details!), Is.True, activity[2].Details);
        }
    }

    [Test]
    public async Task CompleteAsync_WrongOwner_ReturnsFalseAndChangesNothing()
    {
        var builder = new WorkflowBuilder();
        await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync();
        var before = await SnapshotAsync();

        var completed = await Queue.CompleteAsync(
            new TaskCompletion(task with { LeaseOwner = "worker-b" }, "{}", builder.Definition.StepAfter(0), FinishedAt),
            CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(completed, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task FailAsync_WrongOwner_ReturnsFalseAndChangesNothing()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimOneAsync();
        var before = await SnapshotAsync();

        var failed = await Queue.FailAsync(
            new TaskFailure(task with { LeaseOwner = "worker-b" }, "boom", FinishedAt), CancellationToken.None);

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
        // The lease ran out and the task went back to PENDING (the recovery sweep's job); the same worker claims it again.
        await Database.ExecuteAsync(
            "UPDATE tasks SET status = 'PENDING', lease_owner = NULL, lease_expires_at = NULL WHERE id = @Id",
            new { Id = firstAttempt.Id.Value });
        var secondAttempt = await ClaimOneAsync(TestTimes.Start.AddMinutes(10));
        var before = await SnapshotAsync();

        var completed = await Queue.CompleteAsync(
            new TaskCompletion(firstAttempt, "{}", builder.Definition.StepAfter(0), FinishedAt), CancellationToken.None);
        var failed = await Queue.FailAsync(new TaskFailure(firstAttempt, "late", FinishedAt), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(secondAttempt.Attempt, Is.EqualTo(2));
            Assert.That(secondAttempt.LeaseOwner, Is.EqualTo(firstAttempt.LeaseOwner));
            Assert.That(completed, Is.False);
            Assert.That(failed, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task CompleteAsync_SameClaimTwice_RejectsTheSecondAndQueuesOneNextTask()
    {
        var builder = new WorkflowBuilder();
        var workflow = await builder.CreateAsync(Repository);
        var task = await ClaimOneAsync();
        var completion = new TaskCompletion(task, """{"validated":true}""", builder.Definition.StepAfter(0), FinishedAt);
        var first = await Queue.CompleteAsync(completion, CancellationToken.None);
        var afterFirst = await SnapshotAsync();

        var second = await Queue.CompleteAsync(completion with { Now = FinishedAt.AddSeconds(1) }, CancellationToken.None);
        var failAfterwards = await Queue.FailAsync(new TaskFailure(task, "late", FinishedAt), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.True);
            Assert.That(second, Is.False);
            Assert.That(failAfterwards, Is.False);
            Assert.That(await SnapshotAsync(), Is.EqualTo(afterFirst));
            Assert.That(await ActionsOfAsync(workflow.Id), Has.Exactly(1).EqualTo(ActivityAction.TaskCompleted));
        }
    }

    private async Task<ClaimedTask> ClaimOneAsync(DateTimeOffset? at = null)
    {
        var claimed = await Queue.ClaimAsync(
            new ClaimBuilder().At(at ?? TestTimes.Start.AddSeconds(1)).Build(), CancellationToken.None);
        Assert.That(claimed, Has.Count.EqualTo(1), "the test expects one due task");
        return claimed[0];
    }
}
