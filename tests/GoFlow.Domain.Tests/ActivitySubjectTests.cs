using GoFlow.Domain.Tests.Builders;
using GoFlow.Domain.Transitions;

namespace GoFlow.Domain.Tests;

public sealed class ActivitySubjectTests
{
    private static readonly WorkflowId Workflow = WorkflowId.New(TestClock.Start);

    [Test]
    public void Default_TaskName_ThrowsInsteadOfNamingNoTask()
    {
        var subject = default(ActivitySubject);

        Assert.That(() => subject.TaskName, Throws.InvalidOperationException);
    }

    [Test]
    public void ToString_Default_PrintsWithoutThrowing()
    {
        Assert.That(default(ActivitySubject).ToString(), Does.Contain("TaskName = ,"));
    }

    [Test]
    public void ToString_Constructed_NamesItsTask()
    {
        Assert.That(new ActivitySubject(Workflow, new TaskId(7), "DeductMoney", 2).ToString(), Does.Contain("TaskName = DeductMoney"));
    }

    [Test]
    public void Log_DefaultSubject_ThrowsAndWritesNoRowAboutNoTask()
    {
        Assert.That(() => TaskTransitions.Complete.Log(default, TestClock.Start).ToList(), Throws.InvalidOperationException);
    }

    [TestCase("")]
    [TestCase(null)]
    public void Constructor_NoTaskName_Throws(string? taskName)
    {
        Assert.That(() => new ActivitySubject(Workflow, new TaskId(7), taskName!, 1), Throws.ArgumentException);
    }

    [Test]
    public void With_AnotherTaskName_KeepsTheRestAndEqualsOneMadeSo()
    {
        var subject = new ActivitySubject(Workflow, new TaskId(7), "DeductMoney", 2, "worker-9");

        Assert.That(subject with { TaskName = "SendEmail" }, Is.EqualTo(new ActivitySubject(Workflow, new TaskId(7), "SendEmail", 2, "worker-9")));
    }
}
