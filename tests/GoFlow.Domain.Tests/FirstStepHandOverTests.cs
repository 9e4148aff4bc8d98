using GoFlow.Domain.Transitions;

namespace GoFlow.Domain.Tests;

public sealed class FirstStepHandOverTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static readonly WorkflowDefinition Payment = new("Payment", ["ChargeCard"]);

    [Test]
    public void Of_FirstTaskDueNow_CreatesTheWorkflowRunningAndItsFirstTaskClaimedForItsFirstAttempt()
    {
        var (_, firstTask) = WorkflowInstance.Create(Payment, "{}", Now);

        var handOver = FirstStepHandOver.Of(firstTask, Now, "worker-a", Lease)!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(FirstStepHandOver.WorkflowCreation, Is.SameAs(WorkflowTransitions.CreateRunning));
            Assert.That(FirstStepHandOver.WorkflowStatus, Is.EqualTo(WorkflowStatus.Running));
            Assert.That(FirstStepHandOver.TaskCreation, Is.SameAs(TaskTransitions.HandOver));
            Assert.That(FirstStepHandOver.TaskStatus, Is.EqualTo(WorkflowTaskStatus.Running));
            Assert.That(FirstStepHandOver.Attempt, Is.EqualTo(1), "the hand-over is the task's first claim");
            Assert.That(handOver.Holder, Is.EqualTo("worker-a"));
            Assert.That(handOver.LeaseExpiresAt(Now.AddMilliseconds(3)), Is.EqualTo(Now.AddMilliseconds(3) + Lease), "reckoned from the commit");
        }
    }

    [Test]
    public void Of_DelayedStart_HandsNothingOver()
    {
        var (_, firstTask) = WorkflowInstance.Create(Payment, "{}", Now, startAt: Now.AddMinutes(1));

        Assert.That(FirstStepHandOver.Of(firstTask, Now, "worker-a", Lease), Is.Null, "no worker waits for a task due later");
    }

    [Test]
    public void Log_AfterTheWorkflowsCreation_ReadsAsAStartThenAClaim()
    {
        var (workflow, firstTask) = WorkflowInstance.Create(Payment, "{}", Now);
        var handOver = FirstStepHandOver.Of(firstTask, Now, "worker-a", Lease)!;

        var rows = FirstStepHandOver.WorkflowCreation.Log(workflow.Id, workflow.WorkflowName, Now)
            .Concat(handOver.Log(firstTask, new TaskId(7), Now.AddMilliseconds(2)))
            .ToList();
        var claimed = TaskTransitions.Claim.Log(new ActivitySubject(workflow.Id, new TaskId(7), "ChargeCard", 1, "worker-a"), Now.AddMilliseconds(2));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows.Select(row => row.Action), Is.EqualTo(new[] { ActivityAction.WorkflowCreated, ActivityAction.TaskStarted }));
            Assert.That(rows[1], Is.EqualTo(claimed.Single()), "the TASK_STARTED row a claim of it would have written");
        }
    }
}
