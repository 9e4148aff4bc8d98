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
            """{"name":"ValidateOrder","kind":"task","signal":null},{"name":"DeductMoney","kind":"task","signal":null},""" +
            """{"name":"SendEmail","kind":"task","signal":null}]},""" +
            """{"name":"Approval","tasks":["Prepare","AwaitApproval"],"steps":[{"name":"Prepare","kind":"task","signal":null},""" +
            """{"name":"AwaitApproval","kind":"signal","signal":{"name":"approved","timeout":"2.00:00:00"}}]}]}"""));
    }

    [Test]
    public async Task ListWorkflowDefinitions_NoneDefined_AnswersAnEmptyList()
    {
        _app.Ports.ListWorkflowDefinitions.Setup(port => port.List()).Returns([]);

        using var response = await _app.Client.GetAsync("/workflow-definitions");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("""{"data":[]}"""));
    }
}
