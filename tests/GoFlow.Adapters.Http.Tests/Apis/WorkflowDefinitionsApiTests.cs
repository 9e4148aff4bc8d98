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
            new WorkflowDefinition(
                "Approval", ["Prepare", "AwaitApproval"], signals: new Dictionary<string, StepSignal> { ["AwaitApproval"] = new("approved", TimeSpan.FromDays(2)) }),
        ]);

        using var response = await _app.Client.GetAsync("/workflow-definitions");

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body, Is.EqualTo(
            """{"data":[{"name":"OrderProcess","tasks":["ValidateOrder","DeductMoney","SendEmail"],"steps":[""" +
            """{"name":"ValidateOrder","kind":"task","wait":null,"signal":null},{"name":"DeductMoney","kind":"task","wait":null,"signal":null},""" +
            """{"name":"SendEmail","kind":"task","wait":null,"signal":null}]},""" +
            """{"name":"Approval","tasks":["Prepare","AwaitApproval"],"steps":[{"name":"Prepare","kind":"task","wait":null,"signal":null},""" +
            """{"name":"AwaitApproval","kind":"signal","wait":null,"signal":{"name":"approved","timeout":"2.00:00:00"}}]}]}"""));
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
            """{"data":[{"name":"Shipping","tasks":["Pack","cool-off","ship-day","Ship"],"steps":[""" +
            """{"name":"Pack","kind":"task","wait":null,"signal":null},""" +
            """{"name":"cool-off","kind":"wait","wait":{"for":"00:10:00","until_field":null},"signal":null},""" +
            """{"name":"ship-day","kind":"wait","wait":{"for":null,"until_field":"ship_at"},"signal":null},""" +
            """{"name":"Ship","kind":"task","wait":null,"signal":null}]}]}"""));
    }

    [Test]
    public async Task ListWorkflowDefinitions_NoneDefined_AnswersAnEmptyList()
    {
        _app.Ports.ListWorkflowDefinitions.Setup(port => port.List()).Returns([]);

        using var response = await _app.Client.GetAsync("/workflow-definitions");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("""{"data":[]}"""));
    }
}
