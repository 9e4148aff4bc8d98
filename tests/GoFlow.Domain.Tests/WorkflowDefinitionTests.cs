using GoFlow.Domain.Tests.Builders;

namespace GoFlow.Domain.Tests;

public sealed class WorkflowDefinitionTests
{
    [TestCase("")]
    [TestCase(" ")]
    [TestCase("\t")]
    public void Constructor_BlankName_ThrowsDomainException(string name)
    {
        Assert.Throws<DomainException>(() => _ = new WorkflowDefinition(name, ["ValidateOrder"]));
    }

    [Test]
    public void Constructor_NoTasks_ThrowsDomainExceptionNamingTheWorkflow()
    {
        var exception = Assert.Throws<DomainException>(() => _ = new WorkflowDefinition("Empty", []));

        Assert.That(exception.Message, Does.Contain("Empty"));
    }

    [TestCase("")]
    [TestCase("  ")]
    public void Constructor_BlankTaskName_ThrowsDomainException(string blank)
    {
        Assert.Throws<DomainException>(() => _ = new WorkflowDefinition("OrderProcess", ["ValidateOrder", blank]));
    }

    [Test]
    public void Constructor_SourceListChangedLater_KeepsItsOwnCopy()
    {
        var taskNames = new List<string> { "ValidateOrder", "DeductMoney" };
        var definition = new WorkflowDefinition("OrderProcess", taskNames);

        taskNames.Add("SendEmail");

        Assert.That(definition.TaskNames, Is.EqualTo(new[] { "ValidateOrder", "DeductMoney" }));
    }

    [Test]
    public void FirstStep_Always_IsStepZeroWithTheFirstTask()
    {
        Assert.That(Definitions.OrderProcess.FirstStep, Is.EqualTo(new WorkflowStep(0, "ValidateOrder")));
    }

    [TestCase(0, 1, "DeductMoney")]
    [TestCase(1, 2, "SendEmail")]
    public void StepAfter_NotTheLastStep_ReturnsTheNextStep(int stepIndex, int expectedIndex, string expectedTask)
    {
        var next = Definitions.OrderProcess.StepAfter(stepIndex);

        Assert.That(next, Is.EqualTo(new WorkflowStep(expectedIndex, expectedTask)));
    }

    [Test]
    public void StepAfter_TheLastStep_ReturnsNull()
    {
        Assert.That(Definitions.OrderProcess.StepAfter(2), Is.Null);
    }

    [Test]
    public void StepAfter_SingleStepDefinition_ReturnsNull()
    {
        var definition = new WorkflowDefinition("One", ["Only"]);

        Assert.That(definition.StepAfter(0), Is.Null);
    }

    [TestCase(-1)]
    [TestCase(3)]
    [TestCase(int.MaxValue)]
    public void StepAfter_OutOfRange_ThrowsDomainException(int stepIndex)
    {
        Assert.Throws<DomainException>(() => Definitions.OrderProcess.StepAfter(stepIndex));
    }
}
