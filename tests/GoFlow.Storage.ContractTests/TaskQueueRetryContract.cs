using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// The retry branch of <see cref="ITaskQueue.FailAsync"/> (<see cref="TaskFailure.RetryAt"/> set): a failed attempt goes
/// back to PENDING, due at RetryAt, keeping its attempt count and its error; and a task that runs out of attempts fails
/// with its workflow. The caller decides between the two (it knows the policy); the store records what it is told.
/// Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class TaskQueueRetryContract : StorageContract
{
    private static readonly DateTimeOffset FailedAt = TestTimes.Start.AddSeconds(30);
    private static readonly DateTimeOffset RetryAt = FailedAt.AddSeconds(4);

    [Test]
    public async Task FailAsync_WithRetryAt_TaskIsPendingAgainKeepingAttemptAndError()
    {
        var workflow = await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimOneAsync();

        var failed = await Queue.FailAsync(new TaskFailure(task, "connection reset", RetryAt, FailedAt), CancellationToken.None);

        var found = await FindAsync(workflow.Id);
        var activity = await ActivityAsync(workflow.Id);
        Assert.That(failed, Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Tasks, Has.Count.EqualTo(1), "no next task");
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(found.Tasks[0].Attempt, Is.EqualTo(1), "the failed attempt counts");
            Assert.That(found.Tasks[0].Error, Is.EqualTo("connection reset"));
            Assert.That(found.Tasks[0].ScheduledAt, Is.EqualTo(RetryAt));
            Assert.That(found.Tasks[0].OutputPayload, Is.Null);
            Assert.That(found.Tasks[0].UpdatedAt, Is.EqualTo(FailedAt));
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null, "the lease ended");
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Running), "the workflow goes on");
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskRetryScheduled,
            }));
            Assert.That(activity[2].TaskId, Is.EqualTo(task.Id));
            Assert.That(SameJson(ActivityDetails.ForTask("ValidateOrder", 1, "connection reset", RetryAt), activity[2].Details),
                Is.True, activity[2].Details);
            Assert.That(activity[2].CreatedAt, Is.EqualTo(FailedAt));
        }
    }

    [Test]
    public async Task ClaimAsync_RetryNotYetDue_DoesNotClaimIt()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var task = await ClaimOneAsync();
        await Queue.FailAsync(new TaskFailure(task, "connection reset", RetryAt, FailedAt), CancellationToken.None);
        var before = await SnapshotAsync();

        var early = await Queue.ClaimAsync(new ClaimBuilder().At(RetryAt - TestTimes.Microsecond).Build(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(early, Is.Empty);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task ClaimAsync_RetryDue_ClaimsTheNextAttemptKeepingTheLastError()
    {
        var workflow = await new WorkflowBuilder().CreateAsync(Repository);
        var first = await ClaimOneAsync();
        await Queue.FailAsync(new TaskFailure(first, "connection reset", RetryAt, FailedAt), CancellationToken.None);

        var second = await ClaimOneAsync(new ClaimBuilder().By("worker-b").At(RetryAt));

        var stored = await TaskAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.Id, Is.EqualTo(first.Id));
            Assert.That(second.Attempt, Is.EqualTo(2));
            Assert.That(second.LeaseOwner, Is.EqualTo("worker-b"));
            Assert.That(SameJson(first.InputPayload, second.InputPayload), Is.True, "the retry gets the same input");
            Assert.That(stored.Status, Is.EqualTo(WorkflowTaskStatus.Running));
            Assert.That(stored.Error, Is.EqualTo("connection reset"), "the last error stays visible while the retry runs");
        }
    }

    [Test]
    public async Task FailAsync_TwoRetriesThenSuccess_CompletesOnTheThirdAttemptWithBothFailuresLogged()
    {
        var builder = new WorkflowBuilder().Named("Single").WithTasks("Flaky").WithMaxAttempts(3);
        var workflow = await builder.CreateAsync(Repository);
        var now = TestTimes.Start;

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            now = now.AddSeconds(10);
            var task = await ClaimOneAsync(new ClaimBuilder().At(now));
            Assert.That(task.Attempt, Is.EqualTo(attempt));
            var failed = await Queue.FailAsync(
                new TaskFailure(task, $"failure {attempt}", now.AddSeconds(attempt), now), CancellationToken.None);
            Assert.That(failed, Is.True);
        }

        now = now.AddSeconds(10);
        var last = await ClaimOneAsync(new ClaimBuilder().At(now));
        var completed = await CompleteOneAsync(last, """{"ok":true}""", null, now);

        var found = await FindAsync(workflow.Id);
        var activity = await ActivityAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(completed, Is.True);
            Assert.That(last.Attempt, Is.EqualTo(3));
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Completed));
            Assert.That(found.Tasks[0].Attempt, Is.EqualTo(3));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Completed));
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated,
                ActivityAction.TaskStarted, ActivityAction.TaskRetryScheduled,
                ActivityAction.TaskStarted, ActivityAction.TaskRetryScheduled,
                ActivityAction.TaskStarted, ActivityAction.TaskCompleted,
                ActivityAction.WorkflowCompleted,
            }));
            Assert.That(ParseJson(activity[2].Details!).GetProperty("error").GetString(), Is.EqualTo("failure 1"));
            Assert.That(ParseJson(activity[4].Details!).GetProperty("error").GetString(), Is.EqualTo("failure 2"));
            Assert.That(ParseJson(activity[4].Details!).GetProperty("attempt").GetInt32(), Is.EqualTo(2));
        }
    }

    [Test]
    public async Task FailAsync_LastAttemptWithoutRetryAt_FailsTaskAndWorkflowKeepingEveryAttemptLogged()
    {
        var workflow = await new WorkflowBuilder().WithMaxAttempts(2).CreateAsync(Repository);
        var first = await ClaimOneAsync();
        await Queue.FailAsync(new TaskFailure(first, "failure 1", RetryAt, FailedAt), CancellationToken.None);
        var second = await ClaimOneAsync(new ClaimBuilder().At(RetryAt));

        var failed = await Queue.FailAsync(
            new TaskFailure(second, "failure 2", null, RetryAt.AddSeconds(1)), CancellationToken.None);

        var found = await FindAsync(workflow.Id);
        var activity = await ActivityAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(failed, Is.True);
            Assert.That(found.Tasks, Has.Count.EqualTo(1));
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Failed));
            Assert.That(found.Tasks[0].Attempt, Is.EqualTo(2));
            Assert.That(found.Tasks[0].MaxAttempts, Is.EqualTo(2));
            Assert.That(found.Tasks[0].Error, Is.EqualTo("failure 2"));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Failed));
            Assert.That(activity.Select(entry => entry.Action), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated,
                ActivityAction.TaskStarted, ActivityAction.TaskRetryScheduled,
                ActivityAction.TaskStarted, ActivityAction.TaskFailed,
                ActivityAction.WorkflowFailed,
            }));
            Assert.That(SameJson(ActivityDetails.ForTask("ValidateOrder", 2, "failure 2"), activity[4].Details), Is.True);
            Assert.That(await Queue.ClaimAsync(new ClaimBuilder().At(RetryAt.AddDays(1)).Build(), CancellationToken.None), Is.Empty);
        }
    }

    [Test]
    public async Task FailAsync_RetryOfALaterStep_LeavesTheEarlierStepsAlone()
    {
        var builder = new WorkflowBuilder();
        var workflow = await builder.CreateAsync(Repository);
        var first = await ClaimOneAsync();
        await CompleteOneAsync(first, """{"validated":true}""", builder.Definition.StepAfter(0), FailedAt);
        var second = await ClaimOneAsync(new ClaimBuilder().At(FailedAt));

        var failed = await Queue.FailAsync(
            new TaskFailure(second, "bank busy", RetryAt, FailedAt.AddSeconds(1)), CancellationToken.None);

        var found = await FindAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(failed, Is.True);
            Assert.That(found.Tasks.Select(task => task.Status),
                Is.EqualTo(new[] { WorkflowTaskStatus.Completed, WorkflowTaskStatus.Pending }));
            Assert.That(found.Tasks[1].ScheduledAt, Is.EqualTo(RetryAt));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
            Assert.That(SameJson("""{"validated":true}""", found.Workflow.CurrentInput), Is.True);
        }
    }
}
