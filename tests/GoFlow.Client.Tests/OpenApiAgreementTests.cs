using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GoFlow.Client.Tests;

/// <summary>The client stays in step with the API's own description, /openapi/v1.json.</summary>
public sealed class OpenApiAgreementTests
{
    [Test]
    public async Task Operations_ComparedWithOpenApi_AreTheSame()
    {
        using var host = new ClientHost();
        using var http = host.CreateRawClient();
        var document = await http.GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var documented = document!["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => (operation.Key.ToUpperInvariant(), NoTrailingSlash(path.Key))))
            .ToList();

        Assert.That(GoFlowRoutes.All, Is.EquivalentTo(documented), "every operation of the API needs a client call, and every call an operation");
    }

    [TestCase(typeof(GoFlowWorkflow), "WorkflowWithTasksResponse")]
    [TestCase(typeof(GoFlowTask), "TaskResponse")]
    [TestCase(typeof(GoFlowWorkflowSummary), "WorkflowResponse")]
    [TestCase(typeof(GoFlowActivity), "ActivityResponse")]
    [TestCase(typeof(GoFlowWorkflowDefinition), "WorkflowDefinitionResponse")]
    [TestCase(typeof(GoFlowSchedule), "ScheduleResponse")]
    [TestCase(typeof(GoFlowStep), "StepResponse")]
    [TestCase(typeof(GoFlowStepWait), "WaitStepResponse")]
    [TestCase(typeof(GoFlowStepSignal), "SignalStepResponse")]
    public async Task Model_ComparedWithItsSchema_HasTheSameMembers(Type model, string schema)
    {
        using var host = new ClientHost();
        using var http = host.CreateRawClient();
        var document = await http.GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var documented = document!["components"]!["schemas"]![schema]!["properties"]!.AsObject().Select(property => property.Key);
        var modelled = model.GetProperties().Select(property => GoFlowClient.Json.PropertyNamingPolicy!.ConvertName(property.Name));

        Assert.That(modelled, Is.EquivalentTo(documented));
    }

    private static string NoTrailingSlash(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
