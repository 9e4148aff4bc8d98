using GoFlow.Domain.Tests.Builders;

namespace GoFlow.Domain.Tests;

public sealed class WorkflowInstanceTests
{
    [Test]
    public void Create_WithDefinition_IsPendingWithInputAndTimes()
    {
        const string input = """{"order_id":"A-1"}""";

        var (workflow, _) = WorkflowInstance.Create(Definitions.OrderProcess, input, TestClock.Start);

        Assert.Multiple(() =>
        {
            Assert.That(workflow.Status, Is.EqualTo(WorkflowStatus.Pending));
            Assert.That(workflow.WorkflowName, Is.EqualTo("OrderProcess"));
            Assert.That(workflow.CurrentInput, Is.EqualTo(input));
            Assert.That(workflow.CreatedAt, Is.EqualTo(TestClock.Start));
            Assert.That(workflow.UpdatedAt, Is.EqualTo(TestClock.Start));
            Assert.That(workflow.Id, Is.Not.EqualTo(default(WorkflowId)));
        });
    }

    [Test]
    public void Create_StartAtLater_FirstTaskIsDueThenAndTheWorkflowIsCreatedNow()
    {
        var startAt = TestClock.Later(3600);

        var (workflow, firstTask) = WorkflowInstance.Create(Definitions.OrderProcess, "{}", TestClock.Start, startAt: startAt);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(firstTask.ScheduledAt, Is.EqualTo(startAt));
            Assert.That(firstTask.CreatedAt, Is.EqualTo(TestClock.Start));
            Assert.That(workflow.CreatedAt, Is.EqualTo(TestClock.Start));
        }
    }

    [Test]
    public void Create_StartAtPast_FirstTaskIsDueNow()
    {
        var (_, firstTask) = WorkflowInstance.Create(
            Definitions.OrderProcess, "{}", TestClock.Start, startAt: TestClock.Start.AddDays(-1));

        Assert.That(firstTask.ScheduledAt, Is.EqualTo(TestClock.Start));
    }

    [Test]
    public void Create_WithDefinition_FirstTaskIsPendingAtStepZeroWithTheInput()
    {
        const string input = """{"order_id":"A-1"}""";

        var (workflow, firstTask) = WorkflowInstance.Create(Definitions.OrderProcess, input, TestClock.Start);

        Assert.Multiple(() =>
        {
            Assert.That(firstTask.WorkflowId, Is.EqualTo(workflow.Id));
            Assert.That(firstTask.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(firstTask.StepIndex, Is.Zero);
            Assert.That(firstTask.TaskName, Is.EqualTo("ValidateOrder"));
            Assert.That(firstTask.InputPayload, Is.EqualTo(input));
            Assert.That(firstTask.Attempt, Is.Zero);
            Assert.That(firstTask.LeaseOwner, Is.Null);
            Assert.That(firstTask.CreatedAt, Is.EqualTo(TestClock.Start));
        });
    }

    [Test]
    public void Create_TwoInstances_GetDistinctIds()
    {
        var first = new WorkflowBuilder().Build();
        var second = new WorkflowBuilder().Build();

        Assert.That(second.Id, Is.Not.EqualTo(first.Id));
    }
}
