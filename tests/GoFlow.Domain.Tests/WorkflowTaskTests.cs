using GoFlow.Domain.Tests.Builders;

namespace GoFlow.Domain.Tests;

public sealed class WorkflowTaskTests
{
    public enum Transition
    {
        Claim,
        Complete,
        Fail,
    }

    private static readonly DateTimeOffset TransitionTime = TestClock.Later(30);
    private static readonly DateTimeOffset NewLeaseExpiry = TestClock.Later(90);

    [Test]
    public void Create_ForStep_IsPendingWithoutLeaseOrAttempt()
    {
        var workflowId = WorkflowId.New(TestClock.Start);

        var task = WorkflowTask.Create(workflowId, new WorkflowStep(1, "DeductMoney"), """{"a":1}""", TestClock.Start);

        Assert.Multiple(() =>
        {
            Assert.That(task.WorkflowId, Is.EqualTo(workflowId));
            Assert.That(task.StepIndex, Is.EqualTo(1));
            Assert.That(task.TaskName, Is.EqualTo("DeductMoney"));
            Assert.That(task.InputPayload, Is.EqualTo("""{"a":1}"""));
            Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(task.Attempt, Is.Zero);
            Assert.That(task.LeaseOwner, Is.Null);
            Assert.That(task.LeaseExpiresAt, Is.Null);
            Assert.That(task.OutputPayload, Is.Null);
            Assert.That(task.Error, Is.Null);
            Assert.That(task.CreatedAt, Is.EqualTo(TestClock.Start));
            Assert.That(task.UpdatedAt, Is.EqualTo(TestClock.Start));
        });
    }

    // The whole state machine of docs/state-machine.md: every legal transition here, every other one below.
    [TestCase(WorkflowTaskStatus.Pending, Transition.Claim, WorkflowTaskStatus.Running)]
    [TestCase(WorkflowTaskStatus.Running, Transition.Complete, WorkflowTaskStatus.Completed)]
    [TestCase(WorkflowTaskStatus.Running, Transition.Fail, WorkflowTaskStatus.Failed)]
    public void Apply_LegalTransition_ReachesStatusAndStampsTime(
        WorkflowTaskStatus from, Transition transition, WorkflowTaskStatus expected)
    {
        var task = new TaskBuilder().InStatus(from).Build();

        Apply(task, transition, TaskBuilder.Owner);

        Assert.Multiple(() =>
        {
            Assert.That(task.Status, Is.EqualTo(expected));
            Assert.That(task.UpdatedAt, Is.EqualTo(TransitionTime));
            Assert.That(task.CreatedAt, Is.EqualTo(TestClock.Start));
        });
    }

    [TestCase(WorkflowTaskStatus.Running, Transition.Claim)]
    [TestCase(WorkflowTaskStatus.Completed, Transition.Claim)]
    [TestCase(WorkflowTaskStatus.Failed, Transition.Claim)]
    [TestCase(WorkflowTaskStatus.Pending, Transition.Complete)]
    [TestCase(WorkflowTaskStatus.Completed, Transition.Complete)]
    [TestCase(WorkflowTaskStatus.Failed, Transition.Complete)]
    [TestCase(WorkflowTaskStatus.Pending, Transition.Fail)]
    [TestCase(WorkflowTaskStatus.Completed, Transition.Fail)]
    [TestCase(WorkflowTaskStatus.Failed, Transition.Fail)]
    public void Apply_IllegalTransition_ThrowsDomainExceptionAndChangesNothing(
        WorkflowTaskStatus from, Transition transition)
    {
        var task = new TaskBuilder().InStatus(from).Build();
        var before = Snapshot.Of(task);

        Assert.Throws<DomainException>(() => Apply(task, transition, TaskBuilder.Owner));

        Assert.That(Snapshot.Of(task), Is.EqualTo(before));
    }

    [TestCase(Transition.Complete)]
    [TestCase(Transition.Fail)]
    public void Apply_RunningTaskHeldByAnotherOwner_ThrowsDomainExceptionAndChangesNothing(Transition transition)
    {
        var task = new TaskBuilder().InStatus(WorkflowTaskStatus.Running).Build();
        var before = Snapshot.Of(task);

        Assert.Throws<DomainException>(() => Apply(task, transition, "worker-2"));

        Assert.That(Snapshot.Of(task), Is.EqualTo(before));
    }

    [Test]
    public void Claim_WhenPending_HoldsLeaseAndCountsAttempt()
    {
        var task = new TaskBuilder().Build();

        task.Claim("worker-7", NewLeaseExpiry, TransitionTime);

        Assert.Multiple(() =>
        {
            Assert.That(task.Attempt, Is.EqualTo(1));
            Assert.That(task.LeaseOwner, Is.EqualTo("worker-7"));
            Assert.That(task.LeaseExpiresAt, Is.EqualTo(NewLeaseExpiry));
        });
    }

    [TestCase("")]
    [TestCase("   ")]
    public void Claim_BlankOwner_ThrowsDomainExceptionAndChangesNothing(string owner)
    {
        var task = new TaskBuilder().Build();
        var before = Snapshot.Of(task);

        Assert.Throws<DomainException>(() => task.Claim(owner, NewLeaseExpiry, TransitionTime));

        Assert.That(Snapshot.Of(task), Is.EqualTo(before));
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void Claim_LeaseNotAfterNow_ThrowsDomainExceptionAndChangesNothing(int leaseSecondsFromNow)
    {
        var task = new TaskBuilder().Build();
        var before = Snapshot.Of(task);

        Assert.Throws<DomainException>(
            () => task.Claim(TaskBuilder.Owner, TransitionTime.AddSeconds(leaseSecondsFromNow), TransitionTime));

        Assert.That(Snapshot.Of(task), Is.EqualTo(before));
    }

    [Test]
    public void Complete_WhenHeldByOwner_StoresOutputAndReleasesLease()
    {
        var task = new TaskBuilder().InStatus(WorkflowTaskStatus.Running).Build();

        task.Complete(TaskBuilder.Owner, """{"charged_amount":10}""", TransitionTime);

        Assert.Multiple(() =>
        {
            Assert.That(task.OutputPayload, Is.EqualTo("""{"charged_amount":10}"""));
            Assert.That(task.Error, Is.Null);
            Assert.That(task.LeaseOwner, Is.Null);
            Assert.That(task.LeaseExpiresAt, Is.Null);
            Assert.That(task.Attempt, Is.EqualTo(1), "completing is not another attempt");
        });
    }

    [Test]
    public void Fail_WhenHeldByOwner_StoresErrorAndReleasesLease()
    {
        var task = new TaskBuilder().InStatus(WorkflowTaskStatus.Running).Build();

        task.Fail(TaskBuilder.Owner, "amount must be greater than 0", TransitionTime);

        Assert.Multiple(() =>
        {
            Assert.That(task.Error, Is.EqualTo("amount must be greater than 0"));
            Assert.That(task.OutputPayload, Is.Null);
            Assert.That(task.LeaseOwner, Is.Null);
            Assert.That(task.LeaseExpiresAt, Is.Null);
            Assert.That(task.Attempt, Is.EqualTo(1));
        });
    }

    [Test]
    public void Complete_HeldByAnotherOwner_MessageNamesTheHolder()
    {
        var task = new TaskBuilder().InStatus(WorkflowTaskStatus.Running).Build();

        var exception = Assert.Throws<DomainException>(() => task.Complete("worker-2", "{}", TransitionTime));

        Assert.That(exception.Message, Does.Contain(TaskBuilder.Owner).And.Contain("worker-2"));
    }

    private static void Apply(WorkflowTask task, Transition transition, string owner)
    {
        switch (transition)
        {
            case Transition.Claim:
                task.Claim(owner, NewLeaseExpiry, TransitionTime);
                break;
            case Transition.Complete:
                task.Complete(owner, """{"out":true}""", TransitionTime);
                break;
            case Transition.Fail:
                task.Fail(owner, "boom", TransitionTime);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(transition), transition, null);
        }
    }

    private sealed record Snapshot(
        WorkflowTaskStatus Status,
        int Attempt,
        string? LeaseOwner,
        DateTimeOffset? LeaseExpiresAt,
        string InputPayload,
        string? OutputPayload,
        string? Error,
        DateTimeOffset UpdatedAt)
    {
        public static Snapshot Of(WorkflowTask task) => new(
            task.Status,
            task.Attempt,
            task.LeaseOwner,
            task.LeaseExpiresAt,
            task.InputPayload,
            task.OutputPayload,
            task.Error,
            task.UpdatedAt);
    }
}
