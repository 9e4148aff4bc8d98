using GoFlow.Domain.Tests.Builders;

namespace GoFlow.Domain.Tests;

public sealed class WorkflowTaskTests
{
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
            Assert.That(task.ScheduledAt, Is.EqualTo(TestClock.Start), "due at once");
            Assert.That(task.CreatedAt, Is.EqualTo(TestClock.Start));
            Assert.That(task.UpdatedAt, Is.EqualTo(TestClock.Start));
        });
    }
}
