using System.Net;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Domain;

namespace GoFlow.Adapters.Http.Tests.Apis;

public sealed class WorkflowDefinitionsApiTests
{
    private AdapterApp _app = null!;

    [SetUp]
    public async Task SetUp() => _app = await AdapterApp.StartAsync();

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task ListWorkflowDefinitions_Answers200WithNamesAndTasksInOrder()
    {
        _app.Ports.ListWorkflowDefinitions.Setup(port => port.List()).Returns(
        [
            new WorkflowDefinition("OrderProcess", ["ValidateOrder", "DeductMoney", "SendEmail"]),
            new WorkflowDefinition("UserOnboarding", ["CreateAccount", "SendWelcomeEmail", "AssignRole"]),
        ]);

        using var response = await _app.Client.GetAsync("/workflow-definitions");

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body, Is.EqualTo(
            """{"data":[{"name":"OrderProcess","tasks":["ValidateOrder","DeductMoney","SendEmail"],"waits":[]},""" +
            """{"name":"UserOnboarding","tasks":["CreateAccount","SendWelcomeEmail","AssignRole"],"waits":[]}]}"""));
    }

    [Test]
    public async Task ListWorkflowDefinitions_WithWaitSteps_NamesEachWaitAndWhatItWaitsFor()
    {
        _app.Ports.ListWorkflowDefinitions.Setup(port => port.List()).Returns(
        [
            new WorkflowDefinition(
                "Shipping",
                ["Pack", "cool-off", "ship-day", "Ship"],
                waits: new Dictionary<string, StepWait>
                {
                    ["cool-off"] = StepWait.ForDuration(TimeSpan.FromMinutes(10)),
                    ["ship-day"] = StepWait.Until("ship_at"),
                }),
        ]);

        using var response = await _app.Client.GetAsync("/workflow-definitions");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(
            """{"data":[{"name":"Shipping","tasks":["Pack","cool-off","ship-day","Ship"],"waits":[""" +
            """{"step":"cool-off","for":"00:10:00","until_field":null},{"step":"ship-day","for":null,"until_field":"ship_at"}]}]}"""));
    }

    [Test]
    public async Task ListWorkflowDefinitions_NoneDefined_AnswersAnEmptyList()
    {
        _app.Ports.ListWorkflowDefinitions.Setup(port => port.List()).Returns([]);

        using var response = await _app.Client.GetAsync("/workflow-definitions");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("""{"data":[]}"""));
    }
}
