using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="IWorkflowRepository.RetryAsync"/>: a FAILED or CANCELLED workflow resumes from the task that failed or was
/// cancelled, with fresh attempts, attempt numbers counting on; the steps that completed are not run again; anything else
/// is refused and changes nothing. Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class WorkflowRetryContract : StorageContract
{
    private static readonly DateTimeOffset ClaimedAt = TestTimes.Start.AddSeconds(1);
    private static readonly DateTimeOffset StoppedAt = TestTimes.Start.AddSeconds(10);
    private static readonly DateTimeOffset RetriedAt = TestTimes.Start.AddMinutes(5);

    [Test]
    public async Task RetryAsync_WorkflowFailedAtItsSecondStep_MakesThatTaskAndTheWorkflowPendingWithFreshAttempts()
    {
        var (workflow, completedStep, failedStep) = await FailedAtSecondStepAsync();

        var result = await Repository.RetryAsync(new WorkflowRetry(workflow, 1, FreshAttempts: 3, RetriedAt, DueAt: RetriedAt), CancellationToken.None);

        var found = await FindAsync(workflow);
        var activity = await ActivityAsync(workflow);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Pending)));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Pending));
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(RetriedAt));
            Assert.That(found.Tasks, Has.Count.EqualTo(2));
            Assert.That(found.Tasks[0], Is.EqualTo(completedStep), "the completed step is untouched");
            Assert.That(found.Tasks[1] with { Status = failedStep.Status, MaxAttempts = failedStep.MaxAttempts, ScheduledAt = failedStep.ScheduledAt, UpdatedAt = failedStep.UpdatedAt },
                Is.EqualTo(failedStep), "id, input, attempt and last error are kept");
            Assert.That(found.Tasks[1].Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(found.Tasks[1].Attempt, Is.EqualTo(1));
            Assert.That(found.Tasks[1].MaxAttempts, Is.EqualTo(1 + 3), "three attempts after the one used");
            Assert.That(found.Tasks[1].ScheduledAt, Is.EqualTo(RetriedAt), "due now");
            Assert.That(found.Tasks[1].UpdatedAt, Is.EqualTo(RetriedAt));
            Assert.That(found.Tasks[1].Error, Is.EqualTo("card declined"));
            Assert.That(await Storage.ReadLeaseAsync(found.Tasks[1].Id), Is.Null);
            Assert.That(activity[^1].Action, Is.EqualTo(ActivityAction.WorkflowRetried));
            Assert.That(activity[^1].TaskId, Is.Null, "a row about the whole workflow");
            Assert.That(SameJson(ActivityDetails.ForWorkflow("OrderProcess"), activity[^1].Details), Is.True, activity[^1].Details);
            Assert.That(activity[^1].CreatedAt, Is.EqualTo(RetriedAt));
        }
    }

    [Test]
    public async Task RetryAsync_DelayedStartCancelledBeforeItsTime_IsNotClaimedBeforeTheStartTime()
    {
        // As the use case retries: the due time is the domain's, reckoned from the task as the store shows it.
        var startAt = RetriedAt.AddHours(2);
        var workflow = await new WorkflowBuilder().StartingAt(startAt).CreateAsync(Repository);
        await Repository.CancelAsync(workflow.Id, StoppedAt, CancellationToken.None);
        var cancelled = await TaskAsync(workflow.Id);
        var dueAt = TaskTransitions.DueAfterRetry(cancelled.Attempt, cancelled.ScheduledAt, RetriedAt);

        var result = await Repository.RetryAsync(new WorkflowRetry(workflow.Id, 0, FreshAttempts: 3, RetriedAt, dueAt), CancellationToken.None);

        var task = await TaskAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Outcome, Is.EqualTo(WorkflowChangeOutcome.Changed));
            Assert.That(cancelled.ScheduledAt, Is.EqualTo(startAt), "a cancel leaves the start time as it was");
            Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(task.ScheduledAt, Is.EqualTo(startAt));
            Assert.That(task.UpdatedAt, Is.EqualTo(RetriedAt));
            Assert.That(await Queue.ClaimAsync(new ClaimBuilder().At(startAt - TestTimes.Microsecond).Build(), CancellationToken.None),
                Is.Empty, "not before the start time");
        }

        await ClaimTaskOfAsync(workflow.Id, startAt);
    }

    [Test]
    public async Task RetryAsync_WorkflowCancelledWhileItsTaskRan_MakesTheCancelledTaskPending()
    {
        var workflow = await new WorkflowBuilder().WithMaxAttempts(2).CreateAsync(Repository);
        await ClaimTaskOfAsync(workflow.Id, ClaimedAt);
        await Repository.CancelAsync(workflow.Id, StoppedAt, CancellationToken.None);

        var result = await Repository.RetryAsync(new WorkflowRetry(workflow.Id, 0, FreshAttempts: 2, RetriedAt, DueAt: RetriedAt), CancellationToken.None);

        var task = await TaskAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Pending)));
            Assert.That((await FindAsync(workflow.Id)).Workflow.Status, Is.EqualTo(WorkflowStatus.Pending));
            Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(task.Attempt, Is.EqualTo(1));
            Assert.That(task.MaxAttempts, Is.EqualTo(3));
            Assert.That(await ActionsOfAsync(workflow.Id), Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.WorkflowCancelled, ActivityAction.WorkflowRetried,
            }));
        }
    }

    [Test]
    public async Task RetryAsync_RetriedWorkflow_IsClaimedAgainAndRunsToCompletionWithoutRerunningCompletedSteps()
    {
        var builder = new WorkflowBuilder();
        var (workflow, completedStep, _) = await FailedAtSecondStepAsync(builder);
        await Repository.RetryAsync(new WorkflowRetry(workflow, 1, FreshAttempts: 3, RetriedAt, DueAt: RetriedAt), CancellationToken.None);

        var again = await ClaimTaskOfAsync(workflow, RetriedAt);
        var runningWorkflow = (await FindAsync(workflow)).Workflow;
        Assert.That(await CompleteOneAsync(again, """{"paid":true}""", builder.Definition.StepAfter(1), RetriedAt.AddSeconds(1)), Is.True);
        var last = await ClaimTaskOfAsync(workflow, RetriedAt.AddSeconds(2));
        Assert.That(await CompleteOneAsync(last, """{"mailed":true}""", null, RetriedAt.AddSeconds(3)), Is.True);

        var found = await FindAsync(workflow);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.StepIndex, Is.EqualTo(1), "the claim resumes at the step that failed");
            Assert.That(again.Attempt, Is.EqualTo(2), "attempt numbers count on");
            Assert.That(again.MaxAttempts, Is.EqualTo(4));
            Assert.That(SameJson("""{"validated":true}""", again.InputPayload), Is.True, "with the input it failed with");
            Assert.That(runningWorkflow.Status, Is.EqualTo(WorkflowStatus.Running), "claiming it starts the workflow again");
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Completed));
            Assert.That(SameJson("""{"mailed":true}""", found.Workflow.CurrentInput), Is.True);
            Assert.That(found.Tasks.Select(task => task.Status), Is.All.EqualTo(WorkflowTaskStatus.Completed));
            Assert.That(found.Tasks[0], Is.EqualTo(completedStep), "the first step ran once");
            Assert.That(await Queue.ClaimAsync(new ClaimBuilder().At(RetriedAt.AddHours(1)).Build(), CancellationToken.None), Is.Empty);
        }
    }

    [Test]
    public async Task RetryAsync_LateWriteOfTheAttemptBeforeTheRetry_IsRejectedEvenFromTheSameWorker()
    {
        var builder = new WorkflowBuilder();
        var workflow = await builder.CreateAsync(Repository);
        var stale = await ClaimTaskOfAsync(workflow.Id, ClaimedAt);
        await Repository.CancelAsync(workflow.Id, StoppedAt, CancellationToken.None);
        await Repository.RetryAsync(new WorkflowRetry(workflow.Id, 0, FreshAttempts: 1, RetriedAt, DueAt: RetriedAt), CancellationToken.None);
        var current = await ClaimTaskOfAsync(workflow.Id, RetriedAt, owner: stale.LeaseOwner);
        var before = await SnapshotAsync();

        var lateCompleted = await CompleteOneAsync(stale, "{}", builder.Definition.StepAfter(0), RetriedAt.AddSeconds(1));
        var lateRenewed = await Queue.RenewLeasesAsync(
            new LeaseRenewal(stale.LeaseOwner, [new TaskClaim(stale.Id, stale.Attempt)], RetriedAt.AddHours(1), RetriedAt), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(current.Attempt, Is.EqualTo(stale.Attempt + 1), "the attempt number fences the old claim out");
            Assert.That(lateCompleted, Is.False);
            Assert.That(lateRenewed, Is.Empty);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task RetryAsync_FreshAttempts_AreTheAttemptsTheTaskGetsBeforeFailingForGoodAgain()
    {
        var workflow = await new WorkflowBuilder().WithMaxAttempts(1).CreateAsync(Repository);
        var first = await ClaimTaskOfAsync(workflow.Id, ClaimedAt);
        await Queue.FailAsync(new TaskFailure(first, "broken", null, StoppedAt), CancellationToken.None);
        await Repository.RetryAsync(new WorkflowRetry(workflow.Id, 0, FreshAttempts: 2, RetriedAt, DueAt: RetriedAt), CancellationToken.None);

        // Two more attempts, both lost to an expired lease: the first leaves attempts, the second is the last.
        var second = await ClaimTaskOfAsync(workflow.Id, RetriedAt);
        var afterSecond = await RecoverExpiredLeasesAsync(second.LeaseExpiresAt.AddSeconds(1), 10, CancellationToken.None);
        var statusAfterSecond = (await TaskAsync(workflow.Id)).Status;
        var third = await ClaimTaskOfAsync(workflow.Id, second.LeaseExpiresAt.AddSeconds(1));
        var afterThird = await RecoverExpiredLeasesAsync(third.LeaseExpiresAt.AddSeconds(1), 10, CancellationToken.None);

        var found = await FindAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((second.Attempt, third.Attempt), Is.EqualTo((2, 3)));
            Assert.That((afterSecond, afterThird), Is.EqualTo((1, 1)));
            Assert.That(statusAfterSecond, Is.EqualTo(WorkflowTaskStatus.Pending), "attempt 2 of 3 had another after it");
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Failed), "attempt 3 of 3 was the last");
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Failed));
        }
    }

    [TestCase(WorkflowStatus.Pending)]
    [TestCase(WorkflowStatus.Running)]
    [TestCase(WorkflowStatus.Completed)]
    public async Task RetryAsync_WorkflowNeitherFailedNorCancelled_ReturnsConflictWithItsStatusAndChangesNothing(WorkflowStatus status)
    {
        var workflow = status == WorkflowStatus.Completed
            ? await CreateFinishedAsync(WorkflowStatus.Completed, StoppedAt)
            : (await new WorkflowBuilder().CreateAsync(Repository)).Id;
        if (status == WorkflowStatus.Running)
        {
            await ClaimTaskOfAsync(workflow, ClaimedAt);
        }

        var before = await SnapshotAsync();

        var result = await Repository.RetryAsync(new WorkflowRetry(workflow, 0, FreshAttempts: 3, RetriedAt, DueAt: RetriedAt), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, status)));
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [TestCase(0)] // the step that completed
    [TestCase(2)] // a step that has no task yet
    public async Task RetryAsync_StepThatNeitherFailedNorWasCancelled_ReturnsConflictAndChangesNothing(int stepIndex)
    {
        var (workflow, _, _) = await FailedAtSecondStepAsync();
        var before = await SnapshotAsync();

        var result = await Repository.RetryAsync(new WorkflowRetry(workflow, stepIndex, FreshAttempts: 3, RetriedAt, DueAt: RetriedAt), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, WorkflowStatus.Failed)));
            Assert.That(await SnapshotAsync(), Is.EqualTo(before), "the workflow is not left PENDING without a task to run");
        }
    }

    [Test]
    public async Task RetryAsync_Twice_SecondReturnsConflictWithTheRetriedStatus()
    {
        var (workflow, _, _) = await FailedAtSecondStepAsync();
        await Repository.RetryAsync(new WorkflowRetry(workflow, 1, FreshAttempts: 3, RetriedAt, DueAt: RetriedAt), CancellationToken.None);
        var before = await SnapshotAsync();

        var second = await Repository.RetryAsync(new WorkflowRetry(workflow, 1, FreshAttempts: 3, RetriedAt.AddSeconds(1), DueAt: RetriedAt.AddSeconds(1)), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, WorkflowStatus.Pending)));
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task RetryAsync_UnknownWorkflow_ReturnsNotFoundAndChangesNothing()
    {
        await FailedAtSecondStepAsync();
        var before = await SnapshotAsync();

        var result = await Repository.RetryAsync(
            new WorkflowRetry(WorkflowId.New(TestTimes.Start), 0, FreshAttempts: 3, RetriedAt, DueAt: RetriedAt), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.NotFound, null)));
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }

    /// <summary>
    /// An OrderProcess (one attempt per step) whose first step completed with <c>{"validated":true}</c> and whose second
    /// failed for good with "card declined"; returns it with both tasks as stored.
    /// </summary>
    private async Task<(WorkflowId Workflow, TaskView CompletedStep, TaskView FailedStep)> FailedAtSecondStepAsync(
        WorkflowBuilder? builder = null)
    {
        builder ??= new WorkflowBuilder();
        var workflow = await builder.WithMaxAttempts(1).CreateAsync(Repository);
        var first = await ClaimTaskOfAsync(workflow.Id, ClaimedAt);
        await CompleteOneAsync(first, """{"validated":true}""", builder.Definition.StepAfter(0), ClaimedAt.AddSeconds(1));
        var second = await ClaimTaskOfAsync(workflow.Id, ClaimedAt.AddSeconds(2));
        await Queue.FailAsync(new TaskFailure(second, "card declined", null, StoppedAt), CancellationToken.None);
        var found = await FindAsync(workflow.Id);
        Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Failed), "the test's own setup");
        return (workflow.Id, found.Tasks[0], found.Tasks[1]);
    }
}
