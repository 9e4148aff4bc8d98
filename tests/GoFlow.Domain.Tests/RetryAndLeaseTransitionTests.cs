using GoFlow.Domain.Tests.Builders;

namespace GoFlow.Domain.Tests;

/// <summary>The reliability transitions of a task: retry, lease expiry, release.</summary>
public sealed class RetryAndLeaseTransitionTests
{
    private static readonly WorkflowStep TwoAttempts = new(
        0, "DeductMoney", new TaskPolicy(2, TimeSpan.FromMinutes(1), RetryBackoff.Default));

    [Test]
    public void Create_StepPolicy_SetsMaxAttemptsAndIsDueAtOnce()
    {
        var task = Running(TwoAttempts, claims: 0);

        Assert.That(task.MaxAttempts, Is.EqualTo(2));
        Assert.That(task.ScheduledAt, Is.EqualTo(TestClock.Start));
    }

    [Test]
    public void ScheduleRetry_AttemptsLeft_IsPendingAgainDueLaterWithTheErrorKept()
    {
        var task = Running(TwoAttempts, claims: 1);

        task.ScheduleRetry(TaskBuilder.Owner, "timeout", TestClock.Later(30), TestClock.Later(2));

        Assert.Multiple(() =>
        {
            Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(task.Attempt, Is.EqualTo(1));
            Assert.That(task.Error, Is.EqualTo("timeout"));
            Assert.That(task.ScheduledAt, Is.EqualTo(TestClock.Later(30)));
            Assert.That(task.LeaseOwner, Is.Null);
        });
    }

    [Test]
    public void ScheduleRetry_LastAttempt_Throws()
    {
        var task = Running(TwoAttempts, claims: 2);

        Assert.That(
            () => task.ScheduleRetry(TaskBuilder.Owner, "timeout", TestClock.Later(30), TestClock.Later(20)),
            Throws.InstanceOf<DomainException>().With.Message.Contains("attempts are used"));
        Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Running));
    }

    [Test]
    public void ScheduleRetry_AnotherOwner_Throws()
    {
        var task = Running(TwoAttempts, claims: 1);

        Assert.That(
            () => task.ScheduleRetry("worker-2", "timeout", TestClock.Later(30), TestClock.Later(2)),
            Throws.InstanceOf<DomainException>());
    }

    [Test]
    public void ExpireLease_AttemptsLeft_IsPendingAgainAndTheAttemptCounts()
    {
        var task = Running(TwoAttempts, claims: 1);

        task.ExpireLease(TaskBuilder.LeaseExpiresAt.AddSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(task.Attempt, Is.EqualTo(1));
            Assert.That(task.Error, Is.EqualTo(WorkflowTask.LeaseExpiredError));
            Assert.That(task.ScheduledAt, Is.EqualTo(TaskBuilder.LeaseExpiresAt.AddSeconds(1)));
            Assert.That(task.LeaseOwner, Is.Null);
        });
    }

    [Test]
    public void ExpireLease_LastAttempt_Fails()
    {
        var task = Running(TwoAttempts, claims: 2);

        task.ExpireLease(TaskBuilder.LeaseExpiresAt.AddMinutes(5));

        Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Failed));
        Assert.That(task.Error, Is.EqualTo(WorkflowTask.LeaseExpiredError));
    }

    [Test]
    public void ExpireLease_LeaseNotEndedBeforeNow_Throws()
    {
        var task = Running(TwoAttempts, claims: 1);

        Assert.That(() => task.ExpireLease(TestClock.Later(2)), Throws.InstanceOf<DomainException>());
        Assert.That(() => task.ExpireLease(TaskBuilder.LeaseExpiresAt), Throws.InstanceOf<DomainException>());
        Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Running));
    }

    [Test]
    public void Release_Held_IsPendingAgainWithoutUsingTheAttempt()
    {
        var task = Running(TwoAttempts, claims: 1);

        task.Release(TaskBuilder.Owner, TestClock.Later(3));

        Assert.Multiple(() =>
        {
            Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(task.Attempt, Is.Zero);
            Assert.That(task.ScheduledAt, Is.EqualTo(TestClock.Later(3)));
            Assert.That(task.LeaseOwner, Is.Null);
        });
    }

    [Test]
    public void Release_NotRunning_Throws()
    {
        var task = Running(TwoAttempts, claims: 0);

        Assert.That(() => task.Release(TaskBuilder.Owner, TestClock.Later(3)), Throws.InstanceOf<DomainException>());
    }

    [TestCase(1, 0.0, 500)]
    [TestCase(1, 0.999999, 1000)]
    [TestCase(2, 0.0, 1000)]
    [TestCase(3, 0.0, 2000)]
    [TestCase(20, 0.0, 150_000)]
    [TestCase(20, 0.999999, 300_000)]
    public void DelayAfter_FailedAttempt_GrowsExponentiallyUpToTheCapWithJitterInTheSecondHalf(
        int failedAttempt, double jitter, int expectedMilliseconds)
    {
        var delay = RetryBackoff.Default.DelayAfter(failedAttempt, jitter);

        Assert.That(delay.TotalMilliseconds, Is.EqualTo(expectedMilliseconds).Within(1));
    }

    [TestCase(0, 0.5)]
    [TestCase(1, 1.0)]
    [TestCase(1, -0.1)]
    public void DelayAfter_OutOfRange_Throws(int failedAttempt, double jitter)
    {
        Assert.That(() => RetryBackoff.Default.DelayAfter(failedAttempt, jitter), Throws.InstanceOf<DomainException>());
    }

    [Test]
    public void TaskPolicy_BrokenRules_Throw()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new TaskPolicy(0, TimeSpan.FromSeconds(1), RetryBackoff.Default), Throws.InstanceOf<DomainException>());
            Assert.That(() => new TaskPolicy(1, TimeSpan.Zero, RetryBackoff.Default), Throws.InstanceOf<DomainException>());
            Assert.That(() => new RetryBackoff(TimeSpan.FromSeconds(1), 0.5, TimeSpan.FromSeconds(2)), Throws.InstanceOf<DomainException>());
            Assert.That(() => new RetryBackoff(TimeSpan.FromSeconds(2), 2, TimeSpan.FromSeconds(1)), Throws.InstanceOf<DomainException>());
            Assert.That(() => new RetryBackoff(TimeSpan.FromSeconds(-1), 2, TimeSpan.FromSeconds(1)), Throws.InstanceOf<DomainException>());
        });
    }

    [Test]
    public void WorkflowDefinition_PoliciesGiven_EachStepCarriesItsOwn()
    {
        var slow = new TaskPolicy(5, TimeSpan.FromMinutes(30), RetryBackoff.Default);
        var definition = new WorkflowDefinition("OrderProcess", ["ValidateOrder", "DeductMoney"], [TaskPolicy.Default, slow]);

        Assert.That(definition.Steps[1].Policy, Is.SameAs(slow));
        Assert.That(definition.StepAfter(0)!.Policy, Is.SameAs(slow));
        Assert.That(
            () => new WorkflowDefinition("OrderProcess", ["ValidateOrder", "DeductMoney"], [slow]),
            Throws.InstanceOf<DomainException>());
    }

    /// <summary>A task of <paramref name="step"/> claimed <paramref name="claims"/> times, each earlier attempt retried.</summary>
    private static WorkflowTask Running(WorkflowStep step, int claims)
    {
        var task = WorkflowTask.Create(WorkflowId.New(TestClock.Start), step, "{}", TestClock.Start);
        for (var claim = 1; claim <= claims; claim++)
        {
            if (claim > 1)
            {
                task.ScheduleRetry(TaskBuilder.Owner, "flaky", TestClock.Later(claim * 10), TestClock.Later(claim * 10 - 5));
            }

            task.Claim(TaskBuilder.Owner, TaskBuilder.LeaseExpiresAt, TestClock.Later(claim * 10));
        }

        return task;
    }
}
