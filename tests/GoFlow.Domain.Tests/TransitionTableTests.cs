using GoFlow.Domain.Tests.Builders;
using GoFlow.Domain.Transitions;
using static GoFlow.Domain.WorkflowTaskStatus;

namespace GoFlow.Domain.Tests;

/// <summary>
/// The transition table is the state machine: these tests hold it to the rules docs/state-machine.md states in words,
/// one expectation per transition, so a changed entry is a failing test and not a silent change of the engine.
/// </summary>
public sealed class TransitionTableTests
{
    private static readonly DateTimeOffset At = TestClock.Later(30);
    private static readonly WorkflowId Workflow = WorkflowId.New(TestClock.Start);

    private static IEnumerable<TestCaseData> TaskStarts()
    {
        yield return Starts(TaskTransitions.Claim, Running, Pending);
        yield return Starts(TaskTransitions.RenewLease, Running, Running);
        yield return Starts(TaskTransitions.Complete, Completed, Running);
        yield return Starts(TaskTransitions.ScheduleRetry, Pending, Running);
        yield return Starts(TaskTransitions.Fail, Failed, Running);
        yield return Starts(TaskTransitions.Release, Pending, Running);
        yield return Starts(TaskTransitions.Snooze, Pending, Running);
        yield return Starts(TaskTransitions.ExpireLease, Pending, Running);
        yield return Starts(TaskTransitions.ExpireLastLease, Failed, Running);
        yield return Starts(TaskTransitions.AwaitSignal, Waiting, Running);
        yield return Starts(TaskTransitions.ReceiveSignal, Pending, Waiting);
        yield return Starts(TaskTransitions.SignalTimeout, Failed, Waiting);
        yield return Starts(TaskTransitions.Cancel, Cancelled, Pending, Running, Waiting);
        yield return Starts(TaskTransitions.Retry, Pending, Failed, Cancelled);
        yield return Starts(TaskTransitions.Create, Pending);
        yield return Starts(TaskTransitions.HandOver, Running);
    }

    private static IEnumerable<TestCaseData> WorkflowStarts()
    {
        yield return new TestCaseData(WorkflowTransitions.Create, WorkflowStatus.Pending, Array.Empty<WorkflowStatus>()).SetArgDisplayNames("create");
        yield return new TestCaseData(WorkflowTransitions.Start, WorkflowStatus.Running, new[] { WorkflowStatus.Pending }).SetArgDisplayNames("start");
        yield return new TestCaseData(WorkflowTransitions.Advance, WorkflowStatus.Running, new[] { WorkflowStatus.Running }).SetArgDisplayNames("advance");
        yield return new TestCaseData(WorkflowTransitions.Complete, WorkflowStatus.Completed, new[] { WorkflowStatus.Running }).SetArgDisplayNames("complete");
        yield return new TestCaseData(WorkflowTransitions.Fail, WorkflowStatus.Failed, new[] { WorkflowStatus.Running }).SetArgDisplayNames("fail");
        yield return new TestCaseData(WorkflowTransitions.Cancel, WorkflowStatus.Cancelled, new[] { WorkflowStatus.Pending, WorkflowStatus.Running }).SetArgDisplayNames("cancel");
        yield return new TestCaseData(WorkflowTransitions.Retry, WorkflowStatus.Pending, new[] { WorkflowStatus.Failed, WorkflowStatus.Cancelled }).SetArgDisplayNames("retry");
    }

    [TestCaseSource(nameof(TaskStarts))]
    public void TaskTransition_EveryStatus_StartsOnlyFromItsStatusesAndLeadsToItsStatus(
        TaskTransition transition, WorkflowTaskStatus to, WorkflowTaskStatus[] from)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(transition.To, Is.EqualTo(to));
            foreach (var status in Enum.GetValues<WorkflowTaskStatus>())
            {
                Assert.That(transition.CanStartFrom(status), Is.EqualTo(from.Contains(status)), $"{transition.Name} from {status}");
            }

            Assert.That(transition.Creates, Is.EqualTo(from.Length == 0));
        }
    }

    [TestCaseSource(nameof(WorkflowStarts))]
    public void WorkflowTransition_EveryStatus_StartsOnlyFromItsStatusesAndLeadsToItsStatus(
        WorkflowTransition transition, WorkflowStatus to, WorkflowStatus[] from)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(transition.To, Is.EqualTo(to));
            foreach (var status in Enum.GetValues<WorkflowStatus>())
            {
                Assert.That(transition.CanStartFrom(status), Is.EqualTo(from.Contains(status)), $"{transition.Name} from {status}");
            }
        }
    }

    [Test]
    public void All_EveryTransition_IsListedOnceAndTested()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(TaskTransitions.All, Is.Unique);
            Assert.That(TaskTransitions.All.Select(transition => transition.Name), Is.Unique);
            Assert.That(TaskStarts().Select(data => data.Arguments[0]), Is.EquivalentTo(TaskTransitions.All));
            Assert.That(WorkflowTransitions.All.Select(transition => transition.Name), Is.Unique);
            Assert.That(WorkflowStarts().Select(data => data.Arguments[0]), Is.EquivalentTo(WorkflowTransitions.All));
        }
    }

    [TestCase(WorkflowStatus.Pending, false)]
    [TestCase(WorkflowStatus.Running, false)]
    [TestCase(WorkflowStatus.Completed, true)]
    [TestCase(WorkflowStatus.Failed, true)]
    [TestCase(WorkflowStatus.Cancelled, true)]
    public void IsFinished_Status_IsTrueForTheStatusesOnlyARetryLeaves(WorkflowStatus status, bool finished) =>
        Assert.That(WorkflowTransitions.IsFinished(status), Is.EqualTo(finished));

    [TestCase(Pending, false)]
    [TestCase(Running, false)]
    [TestCase(Waiting, false)]
    [TestCase(Completed, true)]
    [TestCase(Failed, true)]
    [TestCase(Cancelled, true)]
    public void IsFinished_TaskStatus_IsTrueForTheStatusesOnlyARetryLeaves(WorkflowTaskStatus status, bool finished) =>
        Assert.That(TaskTransitions.IsFinished(status), Is.EqualTo(finished));

    [Test]
    public void Unfinished_EveryTaskStatus_ListsTheOnesNotFinishedInDeclarationOrder() =>
        Assert.That(TaskTransitions.Unfinished, Is.EqualTo(new[] { Pending, Running, Waiting }));

    [Test]
    public void DueAfterRetry_StepNeverStartedAndDueLater_KeepsItsDueTime()
    {
        // A delayed start (or a wait) cancelled before its time: retrying it does not run it early.
        var startAt = At.AddHours(5);

        Assert.That(TaskTransitions.DueAfterRetry(attempt: 0, scheduledAt: startAt, now: At), Is.EqualTo(startAt));
    }

    [Test]
    public void DueAfterRetry_StepNeverStartedWhoseTimePassed_IsDueNow() =>
        Assert.That(TaskTransitions.DueAfterRetry(attempt: 0, scheduledAt: At.AddSeconds(-1), now: At), Is.EqualTo(At));

    [TestCase(1)]
    [TestCase(3)]
    public void DueAfterRetry_StepThatRanAndWasDueLater_IsDueNow(int attempt)
    {
        // A backoff of the spent budget, or a signal step's timeout (its due time while WAITING): neither holds a retry.
        Assert.That(TaskTransitions.DueAfterRetry(attempt, scheduledAt: At.AddHours(1), now: At), Is.EqualTo(At));
    }

    [Test]
    public void Sets_HolderWrites_EndTheLeaseAndOnlyAClaimCountsTheAttempt()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var transition in new[] { TaskTransitions.Complete, TaskTransitions.Fail, TaskTransitions.ScheduleRetry, TaskTransitions.Release, TaskTransitions.Snooze })
            {
                Assert.That(transition.Guard, Is.EqualTo(TaskGuard.Claim), transition.Name);
                Assert.That(transition.Sets.HasFlag(TaskFields.LeaseEnded), Is.True, transition.Name);
            }

            Assert.That(TaskTransitions.All.Where(transition => transition.Sets.HasFlag(TaskFields.AttemptCounted)),
                Is.EquivalentTo(new[] { TaskTransitions.Claim, TaskTransitions.HandOver }));
            Assert.That(TaskTransitions.Release.Sets.HasFlag(TaskFields.AttemptGivenBack), Is.True);
            Assert.That(TaskTransitions.Snooze.Sets.HasFlag(TaskFields.AttemptGivenBack), Is.True, "a snooze uses up no attempt");
            Assert.That(TaskTransitions.Retry.Sets.HasFlag(TaskFields.AttemptsGranted), Is.True);
        }
    }

    [Test]
    public void AttemptAfter_EachTransition_CountsOneMoreOnAClaimAndOneLessWhenGivenBack()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(TaskTransitions.Claim.AttemptAfter(2), Is.EqualTo(3), "a claim counts the attempt");
            Assert.That(TaskTransitions.HandOver.AttemptAfter(0), Is.EqualTo(1), "a hand-over creates its first attempt");
            Assert.That(TaskTransitions.Create.AttemptAfter(0), Is.Zero, "a created task has had no attempt yet");
            Assert.That(TaskTransitions.Release.AttemptAfter(3), Is.EqualTo(2), "a release gives the attempt back");
            Assert.That(TaskTransitions.Snooze.AttemptAfter(3), Is.EqualTo(2), "a snooze gives the attempt back");
            foreach (var transition in new[] { TaskTransitions.Complete, TaskTransitions.ExpireLease, TaskTransitions.Retry, TaskTransitions.AwaitSignal })
            {
                Assert.That(transition.AttemptAfter(3), Is.EqualTo(3), transition.Name);
            }
        }
    }

    [Test]
    public void Log_ExpireLastLease_WritesLeaseExpiredThenFailedWithTheError()
    {
        var subject = new ActivitySubject(Workflow, new TaskId(7), "DeductMoney", 3);

        var rows = TaskTransitions.ExpireLastLease.Log(subject, At, TaskTransitions.LeaseExpiredError).ToList();

        var details = ActivityDetails.ForTask("DeductMoney", 3, TaskTransitions.LeaseExpiredError);
        Assert.That(rows, Is.EqualTo(new[]
        {
            new NewActivity(Workflow, new TaskId(7), ActivityAction.TaskLeaseExpired, details, At),
            new NewActivity(Workflow, new TaskId(7), ActivityAction.TaskFailed, details, At),
        }));
    }

    [Test]
    public void Log_ScheduleRetry_CarriesTheErrorAndWhenTheRetryIsDue()
    {
        var retryAt = At.AddSeconds(5);

        var row = TaskTransitions.ScheduleRetry.Log(new ActivitySubject(Workflow, new TaskId(7), "DeductMoney", 1), At, "boom", retryAt).Single();

        Assert.That(row, Is.EqualTo(new NewActivity(
            Workflow, new TaskId(7), ActivityAction.TaskRetryScheduled, ActivityDetails.ForTask("DeductMoney", 1, "boom", retryAt), At)));
    }

    [Test]
    public void Log_Complete_LeavesOutAnErrorItDoesNotSet()
    {
        var row = TaskTransitions.Complete.Log(new ActivitySubject(Workflow, new TaskId(7), "DeductMoney", 2), At, "stale").Single();

        Assert.That(row.Details, Is.EqualTo(ActivityDetails.ForTask("DeductMoney", 2)));
    }

    [Test]
    public void Log_Claim_NamesTheWorker()
    {
        var row = TaskTransitions.Claim.Log(new ActivitySubject(Workflow, new TaskId(7), "DeductMoney", 2, "worker-9"), At).Single();

        Assert.That(row, Is.EqualTo(new NewActivity(
            Workflow, new TaskId(7), ActivityAction.TaskStarted, ActivityDetails.ForStartedTask("DeductMoney", 2, "worker-9"), At)));
    }

    [Test]
    public void Log_WorkflowComplete_WritesOneRowAboutTheWholeWorkflow()
    {
        var row = WorkflowTransitions.Complete.Log(Workflow, "OrderProcess", At).Single();

        Assert.That(row, Is.EqualTo(new NewActivity(
            Workflow, null, ActivityAction.WorkflowCompleted, ActivityDetails.ForWorkflow("OrderProcess"), At)));
    }

    private static TestCaseData Starts(TaskTransition transition, WorkflowTaskStatus to, params WorkflowTaskStatus[] from) =>
        new TestCaseData(transition, to, from).SetArgDisplayNames(transition.Name);
}
