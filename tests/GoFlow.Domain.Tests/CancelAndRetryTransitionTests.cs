using GoFlow.Domain.Tests.Builders;

namespace GoFlow.Domain.Tests;

/// <summary>The operator's transitions: cancel a workflow that has not ended, retry one that failed or was cancelled.</summary>
public sealed class CancelAndRetryTransitionTests
{
    [TestCase(WorkflowStatus.Pending)]
    [TestCase(WorkflowStatus.Running)]
    public void WorkflowCancel_NotFinished_IsCancelled(WorkflowStatus status)
    {
        var workflow = new WorkflowBuilder().InStatus(status).Build();

        workflow.Cancel(TestClock.Later(5));

        Assert.That(workflow.Status, Is.EqualTo(WorkflowStatus.Cancelled));
        Assert.That(workflow.UpdatedAt, Is.EqualTo(TestClock.Later(5)));
    }

    [TestCase(WorkflowStatus.Completed)]
    [TestCase(WorkflowStatus.Failed)]
    public void WorkflowCancel_Finished_ThrowsAndChangesNothing(WorkflowStatus status)
    {
        var workflow = new WorkflowBuilder().InStatus(status).Build();

        Assert.That(() => workflow.Cancel(TestClock.Later(5)), Throws.InstanceOf<DomainException>());
        Assert.That(workflow.Status, Is.EqualTo(status));
    }

    [Test]
    public void WorkflowCancel_AlreadyCancelled_Throws()
    {
        var workflow = new WorkflowBuilder().InStatus(WorkflowStatus.Running).Build();
        workflow.Cancel(TestClock.Later(5));

        Assert.That(() => workflow.Cancel(TestClock.Later(6)), Throws.InstanceOf<DomainException>());
    }

    [Test]
    public void WorkflowRetry_Failed_IsPendingAgain()
    {
        var workflow = new WorkflowBuilder().InStatus(WorkflowStatus.Failed).Build();

        workflow.Retry(TestClock.Later(9));

        Assert.That(workflow.Status, Is.EqualTo(WorkflowStatus.Pending));
    }

    [Test]
    public void WorkflowRetry_Cancelled_IsPendingAgain()
    {
        var workflow = new WorkflowBuilder().InStatus(WorkflowStatus.Running).Build();
        workflow.Cancel(TestClock.Later(5));

        workflow.Retry(TestClock.Later(9));

        Assert.That(workflow.Status, Is.EqualTo(WorkflowStatus.Pending));
    }

    [TestCase(WorkflowStatus.Pending)]
    [TestCase(WorkflowStatus.Running)]
    [TestCase(WorkflowStatus.Completed)]
    public void WorkflowRetry_NeitherFailedNorCancelled_ThrowsAndChangesNothing(WorkflowStatus status)
    {
        var workflow = new WorkflowBuilder().InStatus(status).Build();

        Assert.That(() => workflow.Retry(TestClock.Later(9)), Throws.InstanceOf<DomainException>());
        Assert.That(workflow.Status, Is.EqualTo(status));
    }

    [TestCase(WorkflowStatus.Pending, false)]
    [TestCase(WorkflowStatus.Running, false)]
    [TestCase(WorkflowStatus.Completed, true)]
    [TestCase(WorkflowStatus.Failed, true)]
    [TestCase(WorkflowStatus.Cancelled, true)]
    public void IsFinished_Status_OnlyTheEndStates(WorkflowStatus status, bool finished)
    {
        Assert.That(WorkflowInstance.IsFinished(status), Is.EqualTo(finished));
    }

    [TestCase(WorkflowTaskStatus.Pending)]
    [TestCase(WorkflowTaskStatus.Running)]
    public void TaskCancel_NotFinished_IsCancelledAndItsLeaseEnds(WorkflowTaskStatus status)
    {
        var task = new TaskBuilder().InStatus(status).Build();

        task.Cancel(TestClock.Later(5));

        Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Cancelled));
        Assert.That(task.LeaseOwner, Is.Null);
        Assert.That(task.LeaseExpiresAt, Is.Null);
    }

    [TestCase(WorkflowTaskStatus.Completed)]
    [TestCase(WorkflowTaskStatus.Failed)]
    public void TaskCancel_Finished_ThrowsAndChangesNothing(WorkflowTaskStatus status)
    {
        var task = new TaskBuilder().InStatus(status).Build();

        Assert.That(() => task.Cancel(TestClock.Later(5)), Throws.InstanceOf<DomainException>());
        Assert.That(task.Status, Is.EqualTo(status));
    }

    [Test]
    public void TaskRetry_Failed_IsPendingDueNowWithAFreshAttemptBudget()
    {
        var task = new TaskBuilder().InStatus(WorkflowTaskStatus.Failed).Build();

        task.Retry(freshAttempts: 3, TestClock.Later(30));

        Assert.Multiple(() =>
        {
            Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(task.Attempt, Is.EqualTo(1), "attempt numbers never go back");
            Assert.That(task.MaxAttempts, Is.EqualTo(4));
            Assert.That(task.HasAttemptsLeft, Is.True);
            Assert.That(task.ScheduledAt, Is.EqualTo(TestClock.Later(30)));
            Assert.That(task.Error, Is.EqualTo(TaskBuilder.Error), "the last error is kept");
        });
    }

    [TestCase(WorkflowTaskStatus.Pending)]
    [TestCase(WorkflowTaskStatus.Running)]
    [TestCase(WorkflowTaskStatus.Completed)]
    public void TaskRetry_NeitherFailedNorCancelled_ThrowsAndChangesNothing(WorkflowTaskStatus status)
    {
        var task = new TaskBuilder().InStatus(status).Build();

        Assert.That(() => task.Retry(3, TestClock.Later(30)), Throws.InstanceOf<DomainException>());
        Assert.That(task.Status, Is.EqualTo(status));
    }

    [Test]
    public void TaskRetry_NoFreshAttempt_Throws()
    {
        var task = new TaskBuilder().InStatus(WorkflowTaskStatus.Failed).Build();

        Assert.That(() => task.Retry(0, TestClock.Later(30)), Throws.InstanceOf<DomainException>());
        Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Failed));
    }

    [Test]
    public void StatusNames_Cancelled_RoundTrips()
    {
        Assert.That(StatusNames.ToWorkflowStatus(WorkflowStatus.Cancelled.ToName()), Is.EqualTo(WorkflowStatus.Cancelled));
        Assert.That(StatusNames.ToTaskStatus(WorkflowTaskStatus.Cancelled.ToName()), Is.EqualTo(WorkflowTaskStatus.Cancelled));
        Assert.That(WorkflowStatus.Cancelled.ToName(), Is.EqualTo("CANCELLED"));
    }
}
