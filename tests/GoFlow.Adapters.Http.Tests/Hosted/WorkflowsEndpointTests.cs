using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Domain;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>The API's successful answers and its 404s, through the real host against a real database.</summary>
public sealed class WorkflowsEndpointTests
{
    private static readonly TimeSpan CompletionTimeout = TimeSpan.FromSeconds(30);

    private HostedApi _api = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _api = await HostedApi.StartAsync();

    [OneTimeTearDown]
    public async Task StopHost() => await _api.DisposeAsync();

    [Test]
    public async Task PostWorkflows_ValidOrder_Answers201WithLocationAndTheStoredWorkflow()
    {
        var before = await _api.CountRowsAsync();

        using var response = await _api.Client.PostAsync("/workflows", HttpJson.Body(
            """{"workflow_name": "OrderProcess", "input_payload": {"order_id": "A-1", "amount": 42}}"""));

        var body = await HttpJson.ReadObjectAsync(response);
        var data = body["data"]!.AsObject();
        var id = data["id"]!.GetValue<string>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
            Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo($"/workflows/{id}"));
            Assert.That(WorkflowId.TryParse(id, out _), Is.True, id);
            Assert.That(body["message"]?.GetValue<string>(), Is.EqualTo("Workflow started successfully"));
            Assert.That(data.Select(property => property.Key), Is.EqualTo(
                new[] { "id", "workflow_name", "status", "current_input", "created_at", "updated_at" }));
            Assert.That(data["workflow_name"]?.GetValue<string>(), Is.EqualTo("OrderProcess"));
            Assert.That(data["status"]?.GetValue<string>(), Is.EqualTo("PENDING"));
            Assert.That(data["current_input"]?.GetValueKind(), Is.EqualTo(JsonValueKind.Object));
            Assert.That(
                JsonNode.DeepEquals(data["current_input"], JsonNode.Parse("""{"order_id": "A-1", "amount": 42}""")),
                Is.True, data["current_input"]?.ToJsonString());
            Assert.That(data["created_at"]?.GetValue<string>(), Does.EndWith("Z"));
            Assert.That(
                DateTimeOffset.Parse(data["created_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
            Assert.That(data["updated_at"]?.GetValue<string>(), Does.EndWith("Z"));
        }

        var after = await _api.CountRowsAsync();
        Assert.That(after.Workflows, Is.EqualTo(before.Workflows + 1));
    }

    [Test]
    public async Task PostWorkflows_PayloadLeftOut_StartsOnAnEmptyObject()
    {
        using var response = await _api.Client.PostAsync("/workflows", HttpJson.Body("""{"workflow_name": "UserOnboarding"}"""));

        var data = (await HttpJson.ReadObjectAsync(response))["data"]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(data["current_input"]?.ToJsonString(), Is.EqualTo("{}"));
        }
    }

    [Test]
    public async Task GetWorkflow_JustStarted_Answers200WithItsFirstTaskHoldingThePayload()
    {
        var id = await StartOrderAsync("""{"order_id": "B-7", "amount": 3.5}""");

        using var response = await _api.Client.GetAsync($"/workflows/{id}");

        var data = (await HttpJson.ReadObjectAsync(response))["data"]!.AsObject();
        var first = data["tasks"]![0]!.AsObject();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(data.Select(property => property.Key), Is.EqualTo(
                new[] { "id", "workflow_name", "status", "current_input", "created_at", "updated_at", "tasks" }));
            Assert.That(data["id"]?.GetValue<string>(), Is.EqualTo(id));
            Assert.That(first.Select(property => property.Key), Is.EqualTo(new[]
            {
                "id", "task_name", "status", "attempt", "input_payload", "output_payload", "error", "created_at", "updated_at",
                "worker_id", "scheduled_at", "waiting_for",
            }));
            Assert.That(first["task_name"]?.GetValue<string>(), Is.EqualTo("ValidateOrder"));
            Assert.That(first["id"]?.GetValueKind(), Is.EqualTo(JsonValueKind.Number));
            Assert.That(
                JsonNode.DeepEquals(first["input_payload"], JsonNode.Parse("""{"order_id": "B-7", "amount": 3.5}""")),
                Is.True, first["input_payload"]?.ToJsonString());
        }
    }

    [Test]
    public async Task GetWorkflow_Completed_Answers200WithEveryTaskInStepOrderAndItsOutput()
    {
        var id = await StartOrderAsync("""{"order_id": "C-3", "amount": 10}""");

        var data = await Poll.UntilAsync(
            () => GetDataAsync($"/workflows/{id}"),
            workflow => workflow["status"]?.GetValue<string>() is StatusNames.Completed or StatusNames.Failed,
            CompletionTimeout,
            $"workflow {id} to finish");

        var tasks = data["tasks"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(data["status"]?.GetValue<string>(), Is.EqualTo("COMPLETED"));
            Assert.That(tasks.Select(task => task!["task_name"]!.GetValue<string>()),
                Is.EqualTo(new[] { "ValidateOrder", "DeductMoney", "SendEmail" }));
            Assert.That(tasks.Select(task => task!["status"]!.GetValue<string>()), Is.All.EqualTo("COMPLETED"));
            Assert.That(tasks.Select(task => task!["output_payload"]?.GetValueKind()), Is.All.EqualTo(JsonValueKind.Object));
            // Each task receives the previous one's output.
            Assert.That(JsonNode.DeepEquals(tasks[1]!["input_payload"], tasks[0]!["output_payload"]), Is.True);
            Assert.That(JsonNode.DeepEquals(tasks[2]!["input_payload"], tasks[1]!["output_payload"]), Is.True);
            Assert.That(JsonNode.DeepEquals(data["current_input"], tasks[2]!["output_payload"]), Is.True);
        }
    }

    [Test]
    public async Task GetWorkflowActivity_Started_Answers200OldestFirstBeginningWithWorkflowCreated()
    {
        var id = await StartOrderAsync("""{"order_id": "D-1", "amount": 1}""");

        using var response = await _api.Client.GetAsync($"/workflows/{id}/activity");

        var rows = (await HttpJson.ReadObjectAsync(response))["data"]!.AsArray();
        var ids = rows.Select(row => row!["id"]!.GetValue<long>()).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(rows, Is.Not.Empty);
            Assert.That(rows[0]!.AsObject().Select(property => property.Key),
                Is.EqualTo(new[] { "id", "task_id", "action", "details", "created_at" }));
            Assert.That(rows[0]!["action"]?.GetValue<string>(), Is.EqualTo("WORKFLOW_CREATED"));
            Assert.That(rows[0]!["task_id"], Is.Null);
            Assert.That(rows[0]!["details"]?["workflow_name"]?.GetValue<string>(), Is.EqualTo("OrderProcess"));
            Assert.That(rows[0]!["created_at"]?.GetValue<string>(), Does.EndWith("Z"));
            Assert.That(ids, Is.Ordered.Ascending);
        }
    }

    [Test]
    public async Task GetWorkflowDefinitions_Answers200WithTheConfiguredWorkflows()
    {
        using var response = await _api.Client.GetAsync("/workflow-definitions");

        var data = (await HttpJson.ReadObjectAsync(response))["data"]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(JsonNode.DeepEquals(data, JsonNode.Parse("""
                [
                  {"name": "ApprovedOrder", "tasks": ["ValidateOrder", "AwaitApproval", "DeductMoney", "SendEmail"], "steps": [
                    {"name": "ValidateOrder", "kind": "task", "wait": null, "signal": null},
                    {"name": "AwaitApproval", "kind": "signal", "wait": null, "signal": {"name": "approved", "timeout": "2.00:00:00"}},
                    {"name": "DeductMoney", "kind": "task", "wait": null, "signal": null},
                    {"name": "SendEmail", "kind": "task", "wait": null, "signal": null}]},
                  {"name": "OrderProcess", "tasks": ["ValidateOrder", "DeductMoney", "SendEmail"], "steps": [
                    {"name": "ValidateOrder", "kind": "task", "wait": null, "signal": null},
                    {"name": "DeductMoney", "kind": "task", "wait": null, "signal": null},
                    {"name": "SendEmail", "kind": "task", "wait": null, "signal": null}]},
                  {"name": "UserOnboarding", "tasks": ["CreateAccount", "SendWelcomeEmail", "AssignRole"], "steps": [
                    {"name": "CreateAccount", "kind": "task", "wait": null, "signal": null},
                    {"name": "SendWelcomeEmail", "kind": "task", "wait": null, "signal": null},
                    {"name": "AssignRole", "kind": "task", "wait": null, "signal": null}]}
                ]
                """)), Is.True, data.ToJsonString());
        }
    }

    [TestCase("/workflows/{0}")]
    [TestCase("/workflows/{0}/activity")]
    public async Task GetWorkflowRoutes_UnknownId_Answer404Problem(string route)
    {
        var unknown = WorkflowId.New(DateTimeOffset.UtcNow);

        using var response = await _api.Client.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, route, unknown));

        await HttpJson.ReadProblemAsync(response, 404);
    }

    [TestCase("/workflows/not-an-id")]
    [TestCase("/workflows/12345")]
    [TestCase("/workflows/01936f4e8a2b7c3d9e4f0a1b2c3d4e5f")]
    [TestCase("/workflows/not-an-id/activity")]
    [TestCase("/workflows/'%20OR%201=1/activity")]
    public async Task GetWorkflowRoutes_MalformedId_Answer404Problem(string path)
    {
        using var response = await _api.Client.GetAsync(path);

        await HttpJson.ReadProblemAsync(response, 404);
    }

    [Test]
    public async Task UnknownRoute_Answers404Problem()
    {
        using var response = await _api.Client.GetAsync("/workflowz");

        await HttpJson.ReadProblemAsync(response, 404);
    }

    [Test]
    public async Task WrongMethod_Answers405Problem()
    {
        using var response = await _api.Client.PutAsync("/workflows", HttpJson.Body("{}"));

        await HttpJson.ReadProblemAsync(response, 405);
    }

    private async Task<string> StartOrderAsync(string payload)
    {
        using var response = await _api.Client.PostAsync(
            "/workflows", HttpJson.Body($$"""{"workflow_name": "OrderProcess", "input_payload": {{payload}}}"""));
        var body = await HttpJson.ReadObjectAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return body["data"]!["id"]!.GetValue<string>();
    }

    private async Task<JsonObject> GetDataAsync(string path)
    {
        using var response = await _api.Client.GetAsync(path);
        var body = await HttpJson.ReadObjectAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body["data"]!.AsObject();
    }
}
