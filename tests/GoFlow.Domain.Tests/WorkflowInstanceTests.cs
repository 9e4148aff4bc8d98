using GoFlow.Domain.Tests.Builders;

namespace GoFlow.Domain.Tests;

public sealed class WorkflowInstanceTests
{
    public enum Transition
    {
        Start,
        Advance,
        Complete,
        Fail,
    }

    private static readonly DateTimeOffset TransitionTime = TestClock.Later(30);

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

    // The whole state machine of docs/state-machine.md: every legal transition here, every other one below.
    [TestCase(WorkflowStatus.Pending, Transition.Start, WorkflowStatus.Running)]
    [TestCase(WorkflowStatus.Running, Transition.Advance, WorkflowStatus.Running)]
    [TestCase(WorkflowStatus.Running, Transition.Complete, WorkflowStatus.Completed)]
    [TestCase(WorkflowStatus.Running, Transition.Fail, WorkflowStatus.Failed)]
    public void Apply_LegalTransition_ReachesStatusAndStampsTime(
        WorkflowStatus from, Transition transition, WorkflowStatus expected)
    {
        var workflow = new WorkflowBuilder().InStatus(from).Build();

        Apply(workflow, transition);

        Assert.Multiple(() =>
        {
            Assert.That(workflow.Status, Is.EqualTo(expected));
            Assert.That(workflow.UpdatedAt, Is.EqualTo(TransitionTime));
            Assert.That(workflow.CreatedAt, Is.EqualTo(TestClock.Start));
        });
    }

    [TestCase(WorkflowStatus.Pending, Transition.Advance)]
    [TestCase(WorkflowStatus.Pending, Transition.Complete)]
    [TestCase(WorkflowStatus.Pending, Transition.Fail)]
    [TestCase(WorkflowStatus.Running, Transition.Start)]
    [TestCase(WorkflowStatus.Completed, Transition.Start)]
    [TestCase(WorkflowStatus.Completed, Transition.Advance)]
    [TestCase(WorkflowStatus.Completed, Transition.Complete)]
    [TestCase(WorkflowStatus.Completed, Transition.Fail)]
    [TestCase(WorkflowStatus.Failed, Transition.Start)]
    [TestCase(WorkflowStatus.Failed, Transition.Advance)]
    [TestCase(WorkflowStatus.Failed, Transition.Complete)]
    [TestCase(WorkflowStatus.Failed, Transition.Fail)]
    public void Apply_IllegalTransition_ThrowsDomainExceptionAndChangesNothing(
        WorkflowStatus from, Transition transition)
    {
        var workflow = new WorkflowBuilder().InStatus(from).Build();
        var before = Snapshot.Of(workflow);

        Assert.Throws<DomainException>(() => Apply(workflow, transition));

        Assert.That(Snapshot.Of(workflow), Is.EqualTo(before));
    }

    [Test]
    public void Advance_WhenRunning_MovesCurrentInputOn()
    {
        var workflow = new WorkflowBuilder().InStatus(WorkflowStatus.Running).Build();

        workflow.Advance("""{"validated":true}""", TransitionTime);

        Assert.That(workflow.CurrentInput, Is.EqualTo("""{"validated":true}"""));
    }

    [Test]
    public void Complete_WhenRunning_KeepsOutputAsCurrentInput()
    {
        var workflow = new WorkflowBuilder().InStatus(WorkflowStatus.Running).Build();

        workflow.Complete("""{"email_sent":true}""", TransitionTime);

        Assert.That(workflow.CurrentInput, Is.EqualTo("""{"email_sent":true}"""));
    }

    [Test]
    public void Fail_WhenRunning_KeepsCurrentInput()
    {
        const string input = """{"amount":-5}""";
        var workflow = new WorkflowBuilder().WithInput(input).InStatus(WorkflowStatus.Running).Build();

        workflow.Fail(TransitionTime);

        Assert.That(workflow.CurrentInput, Is.EqualTo(input));
    }

    [Test]
    public void Start_WhenNotPending_MessageNamesBothStatuses()
    {
        var workflow = new WorkflowBuilder().InStatus(WorkflowStatus.Completed).Build();

        var exception = Assert.Throws<DomainException>(() => workflow.Start(TransitionTime));

        Assert.That(exception.Message, Does.Contain("COMPLETED").And.Contain("PENDING"));
    }

    private static void Apply(WorkflowInstance workflow, Transition transition)
    {
        switch (transition)
        {
            case Transition.Start:
                workflow.Start(TransitionTime);
                break;
            case Transition.Advance:
                workflow.Advance("""{"next":true}""", TransitionTime);
                break;
            case Transition.Complete:
                workflow.Complete("""{"final":true}""", TransitionTime);
                break;
            case Transition.Fail:
                workflow.Fail(TransitionTime);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(transition), transition, null);
        }
    }

    private sealed record Snapshot(
        WorkflowId Id, string Name, WorkflowStatus Status, string CurrentInput, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public static Snapshot Of(WorkflowInstance workflow) => new(
            workflow.Id, workflow.WorkflowName, workflow.Status, workflow.CurrentInput, workflow.CreatedAt, workflow.UpdatedAt);
    }
}
