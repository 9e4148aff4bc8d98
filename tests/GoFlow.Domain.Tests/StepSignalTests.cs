using System.Text.Json.Nodes;

namespace GoFlow.Domain.Tests;

public sealed class StepSignalTests
{
    [Test]
    public void MergeInto_PayloadAndInput_SetsThePayloadsTopLevelFieldsOverTheInputs()
    {
        var input = JsonNode.Parse("""{"order":{"id":1,"total":5},"keep":true}""")!.AsObject();
        var payload = JsonNode.Parse("""{"order":{"approved":true},"by":"ann"}""")!.AsObject();

        var output = StepSignal.MergeInto(input, payload);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(output.ToJsonString(), Is.EqualTo("""{"order":{"approved":true},"keep":true,"by":"ann"}"""),
                "a field of the payload replaces the input's of the same name whole");
            Assert.That(input.ToJsonString(), Is.EqualTo("""{"order":{"id":1,"total":5},"keep":true}"""), "the input is left as it was");
        }
    }

    [TestCase("approved")]
    [TestCase("order.approved-v2_final")]
    public void Constructor_AValidNameAndTimeout_Holds(string name) =>
        Assert.That(new StepSignal(name, TimeSpan.FromHours(1)).Name, Is.EqualTo(name));

    [TestCase("")]
    [TestCase("with space")]
    [TestCase("slash/")]
    [TestCase("ünï")]
    [TestCase("nul\u0000")]
    public void Constructor_ANameOutsideTheRule_Throws(string name) =>
        Assert.That(() => new StepSignal(name, TimeSpan.FromHours(1)), Throws.TypeOf<DomainException>());

    [Test]
    public void Constructor_ANameTooLong_Throws() =>
        Assert.That(() => new StepSignal(new string('a', StepSignal.MaxNameLength + 1), TimeSpan.FromHours(1)), Throws.TypeOf<DomainException>());

    [TestCase(0.5)]
    [TestCase(367 * 24 * 3600.0)]
    public void Constructor_ATimeoutOutOfBounds_Throws(double seconds) =>
        Assert.That(() => new StepSignal("approved", TimeSpan.FromSeconds(seconds)), Throws.TypeOf<DomainException>());

    [Test]
    public void WorkflowDefinition_ASignalForAStep_MakesItASignalStepFoundByItsSignal()
    {
        var definition = new WorkflowDefinition(
            "Approval", ["Prepare", "Await"], signals: new Dictionary<string, StepSignal> { ["Await"] = new("approved", TimeSpan.FromHours(1)) });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(definition.StepAwaiting("approved")!.Index, Is.EqualTo(1));
            Assert.That(definition.StepAwaiting("other"), Is.Null);
            Assert.That(definition.Steps.Select(step => step.Kind), Is.EqualTo(new[] { StepKind.Task, StepKind.Signal }));
        }
    }

    [Test]
    public void WorkflowDefinition_TwoStepsWaitingForOneSignal_Throws() =>
        Assert.That(
            () => new WorkflowDefinition("Approval", ["A", "B"], signals: new Dictionary<string, StepSignal>
            {
                ["A"] = new("approved", TimeSpan.FromHours(1)),
                ["B"] = new("approved", TimeSpan.FromHours(1)),
            }),
            Throws.TypeOf<DomainException>().With.Message.Contains("more than one step"));
}
