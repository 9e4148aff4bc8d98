using GoFlow.Domain.Transitions;

namespace GoFlow.Domain.Tests;

public sealed class StepAdvanceTests
{
    private static readonly WorkflowStep Next = new(1, "DeductMoney", new TaskPolicy(4, TimeSpan.FromMinutes(1), RetryBackoff.Default));
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset CommittedAt = new(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public void After_LastStep_IsNoAdvanceWhetherOrNotAHandOverWasAsked()
    {
        Assert.Multiple(() =>
        {
            Assert.That(StepAdvance.After(null, handOver: true, "worker-a", Lease), Is.Null);
            Assert.That(StepAdvance.After(null, handOver: false, "worker-a", Lease), Is.Null);
        });
    }

    [Test]
    public void After_HandOverAsked_CreatesTheTaskClaimedByTheHolderForItsFirstAttempt()
    {
        var advance = StepAdvance.After(Next, handOver: true, "worker-a", Lease)!;

        Assert.Multiple(() =>
        {
            Assert.That(advance.Creation, Is.SameAs(TaskTransitions.HandOver));
            Assert.That(advance.HandsOver, Is.True);
            Assert.That(advance.Step, Is.SameAs(Next));
            Assert.That(advance.Status, Is.EqualTo(WorkflowTaskStatus.Running));
            Assert.That(advance.Attempt, Is.EqualTo(1), "the hand-over is the task's first claim");
            Assert.That(advance.LeaseOwner, Is.EqualTo("worker-a"));
            Assert.That(advance.LeaseDuration, Is.EqualTo(Lease), "the lease length it was given");
            Assert.That(advance.LeaseExpiresAt(CommittedAt), Is.EqualTo(CommittedAt + Lease), "reckoned from the commit");
        });
    }

    [Test]
    public void After_NoHandOver_CreatesTheTaskDueForAnyWorker()
    {
        var advance = StepAdvance.After(Next, handOver: false, "worker-a", Lease)!;

        Assert.Multiple(() =>
        {
            Assert.That(advance.Creation, Is.SameAs(TaskTransitions.Create));
            Assert.That(advance.HandsOver, Is.False);
            Assert.That(advance.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(advance.Attempt, Is.Zero, "no attempt until a worker claims it");
            Assert.That(advance.LeaseOwner, Is.Null);
            Assert.That(advance.LeaseExpiresAt(CommittedAt), Is.Null);
            Assert.That(advance.ScheduledAt(CommittedAt), Is.EqualTo(CommittedAt), "due at its commit");
        });
    }

    [Test]
    public void After_DueLaterWithAHandOverAsked_CreatesTheTaskDueThenAndHandsNothingOver()
    {
        var dueAt = CommittedAt.AddMinutes(10);

        var advance = StepAdvance.After(Next, handOver: true, "worker-a", Lease, dueAt)!;

        Assert.Multiple(() =>
        {
            Assert.That(advance.Creation, Is.SameAs(TaskTransitions.Create), "no holder waits for a step due later");
            Assert.That(advance.HandsOver, Is.False);
            Assert.That(advance.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(advance.Attempt, Is.Zero);
            Assert.That(advance.LeaseOwner, Is.Null);
            Assert.That(advance.LeaseExpiresAt(CommittedAt), Is.Null);
            Assert.That(advance.ScheduledAt(CommittedAt), Is.EqualTo(dueAt));
        });
    }

    [Test]
    public void ScheduledAt_DueTimeAlreadyPastAtTheCommit_IsTheCommit()
    {
        var advance = StepAdvance.After(Next, handOver: false, "worker-a", Lease, CommittedAt.AddSeconds(-1))!;

        Assert.That(advance.ScheduledAt(CommittedAt), Is.EqualTo(CommittedAt), "a time past means now");
    }
}
