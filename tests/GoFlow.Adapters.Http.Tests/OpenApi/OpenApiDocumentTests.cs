using System.Net;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;

namespace GoFlow.Adapters.Http.Tests.OpenApi;

/// <summary>
/// The OpenAPI document at /openapi/v1.json, served by the adapter as the host wires it: every route with its method,
/// its request and answer schemas in snake_case, and the problems it can answer.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private const string Key = "openapi-test-key";

    private static readonly string[] WorkflowProperties = ["id", "workflow_name", "status", "current_input", "created_at", "updated_at"];

    private AdapterApp _app = null!;
    private JsonObject _document = null!;

    [OneTimeSetUp]
    public async Task FetchDocument()
    {
        _app = await AdapterApp.StartAsync(settings: new Dictionary<string, string?> { ["Api:Keys:0"] = Key });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        using var response = await _app.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        _document = JsonNode.Parse(text)!.AsObject();
    }

    [OneTimeTearDown]
    public async Task StopApp() => await _app.DisposeAsync();

    [Test]
    public void Document_IsOpenApi3WithGoFlowsTitle()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_document["openapi"]?.GetValue<string>(), Does.StartWith("3."));
            Assert.That(_document["info"]?["title"]?.GetValue<string>(), Is.EqualTo("GoFlow"));
            Assert.That(_document["info"]?["version"]?.GetValue<string>(), Is.EqualTo("v1"));
        }
    }

    [Test]
    public void Paths_AreEveryRouteWithItsMethods()
    {
        var routes = _document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(method => $"{method.Key.ToUpperInvariant()} {path.Key}"));

        Assert.That(routes, Is.EquivalentTo(new[]
        {
            "GET /workflows",
            "POST /workflows",
            "GET /workflows/{id}",
            "GET /workflows/{id}/activity",
            "POST /workflows/{id}/cancel",
            "POST /workflows/{id}/retry",
            "POST /workflows/{id}/signals/{name}",
            "GET /workflow-definitions",
            "GET /schedules",
            "POST /schedules/{name}/pause",
            "POST /schedules/{name}/resume",
            "POST /schedules/{name}/trigger",
        }));
    }

    [TestCase("get", "/workflows", "200", "WorkflowListResponse")]
    [TestCase("post", "/workflows", "201", "MessageResponseOfWorkflowResponse")]
    [TestCase("post", "/workflows", "200", "MessageResponseOfWorkflowResponse")]
    [TestCase("get", "/workflows/{id}", "200", "DataResponseOfWorkflowWithTasksResponse")]
    [TestCase("get", "/workflows/{id}/activity", "200", "DataResponseOfIReadOnlyListOfActivityResponse")]
    [TestCase("post", "/workflows/{id}/cancel", "200", "DataResponseOfWorkflowWithTasksResponse")]
    [TestCase("post", "/workflows/{id}/retry", "200", "DataResponseOfWorkflowWithTasksResponse")]
    [TestCase("post", "/workflows/{id}/signals/{name}", "202", "DataResponseOfSignalResponse")]
    [TestCase("get", "/workflow-definitions", "200", "DataResponseOfIReadOnlyListOfWorkflowDefinitionResponse")]
    public void SuccessAnswer_IsJsonOfItsSchema(string method, string path, string status, string schema)
    {
        var content = Operation(method, path)["responses"]?[status]?["content"]?["application/json"];

        Assert.That(content?["schema"]?["$ref"]?.GetValue<string>(), Is.EqualTo($"#/components/schemas/{schema}"),
            Operation(method, path).ToJsonString());
    }

    [TestCase("get", "/workflows", new[] { 400, 401, 500, 503 })]
    [TestCase("post", "/workflows", new[] { 400, 401, 413, 415, 422, 500, 503 })]
    [TestCase("get", "/workflows/{id}", new[] { 401, 404, 500, 503 })]
    [TestCase("get", "/workflows/{id}/activity", new[] { 401, 404, 500, 503 })]
    [TestCase("post", "/workflows/{id}/cancel", new[] { 401, 404, 409, 500, 503 })]
    [TestCase("post", "/workflows/{id}/retry", new[] { 401, 404, 409, 500, 503 })]
    [TestCase("post", "/workflows/{id}/signals/{name}", new[] { 400, 401, 404, 409, 413, 415, 422, 500, 503 })]
    [TestCase("get", "/workflow-definitions", new[] { 401, 500, 503 })]
    public void ProblemAnswers_AreListedAsProblemDocuments(string method, string path, int[] statuses)
    {
        var responses = Operation(method, path)["responses"]!.AsObject();

        var problems = responses
            .Where(response => response.Value?["content"]?["application/problem+json"] is not null)
            .Select(response => int.Parse(response.Key, System.Globalization.CultureInfo.InvariantCulture));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(problems, Is.EquivalentTo(statuses), responses.ToJsonString());
            foreach (var status in statuses)
            {
                var schema = responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]!
                    ["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>();
                Assert.That(schema, Is.EqualTo(status == 400
                    ? "#/components/schemas/HttpValidationProblemDetails"
                    : "#/components/schemas/ProblemDetails"), $"{status}");
            }
        }
    }

    [Test]
    public void SendSignal_DescribesItsJsonBodyAndTheIdempotencyKeyHeader()
    {
        var operation = Operation("post", "/workflows/{id}/signals/{name}");
        var body = operation["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>();
        var header = operation["parameters"]?.AsArray().SingleOrDefault(parameter => parameter?["in"]?.GetValue<string>() == "header");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(body, Is.EqualTo("#/components/schemas/SignalPayload"));
            Assert.That(Schema("SignalPayload")["type"]?.GetValue<string>(), Is.EqualTo("object"));
            Assert.That(header?["name"]?.GetValue<string>(), Is.EqualTo("Idempotency-Key"));
        }
    }

    [Test]
    public void StartWorkflow_DescribesItsJsonBodyAndTheIdempotencyKeyHeader()
    {
        var operation = Operation("post", "/workflows");
        var body = operation["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>();
        var header = operation["parameters"]?.AsArray().SingleOrDefault(parameter => parameter?["in"]?.GetValue<string>() == "header");
        var request = Schema("StartWorkflowRequest");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(body, Is.EqualTo("#/components/schemas/StartWorkflowRequest"));
            Assert.That(request["properties"]!.AsObject().Select(property => property.Key),
                Is.EquivalentTo(new[] { "workflow_name", "input_payload", "start_at" }));
            Assert.That(request["required"]!.AsArray().Select(name => name!.GetValue<string>()), Is.EqualTo(new[] { "workflow_name" }));
            Assert.That(header?["name"]?.GetValue<string>(), Is.EqualTo("Idempotency-Key"));
            Assert.That(header?["required"]?.GetValue<bool>() ?? false, Is.False);
            Assert.That(header?["description"]?.GetValue<string>(), Is.Not.Empty);
        }
    }

    [Test]
    public void ListWorkflows_DescribesEachQueryParameterWithItsType()
    {
        var parameters = Operation("get", "/workflows")["parameters"]!.AsArray()
            .ToDictionary(parameter => parameter!["name"]!.GetValue<string>(), parameter => parameter!.AsObject());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parameters.Keys, Is.EquivalentTo(new[] { "status", "workflow_name", "created_after", "created_before", "limit", "cursor" }));
            Assert.That(parameters.Values.Select(parameter => parameter["in"]?.GetValue<string>()), Is.All.EqualTo("query"));
            Assert.That(parameters["status"]["schema"]?["enum"]?.AsArray().Select(value => value!.GetValue<string>()),
                Is.EqualTo(new[] { "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED" }));
            Assert.That(parameters["created_after"]["schema"]?["format"]?.GetValue<string>(), Is.EqualTo("date-time"));
            Assert.That(parameters["created_before"]["schema"]?["format"]?.GetValue<string>(), Is.EqualTo("date-time"));
            Assert.That(parameters["limit"]["schema"]?["type"]?.GetValue<string>(), Is.EqualTo("integer"));
            Assert.That(parameters["limit"]["schema"]?["minimum"]?.GetValue<int>(), Is.EqualTo(1));
            Assert.That(parameters["limit"]["schema"]?["maximum"]?.GetValue<int>(), Is.EqualTo(500));
            Assert.That(parameters["limit"]["schema"]?["default"]?.GetValue<int>(), Is.EqualTo(50));
            Assert.That(parameters.Values.Select(parameter => parameter["description"]?.GetValue<string>()), Has.None.Null.And.None.Empty);
        }
    }

    [Test]
    public void WorkflowSchemas_HaveTheAnswersSnakeCaseProperties()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PropertyNames("WorkflowResponse"), Is.EqualTo(WorkflowProperties));
            Assert.That(PropertyNames("WorkflowWithTasksResponse"), Is.EqualTo(WorkflowProperties.Append("tasks")));
            Assert.That(PropertyNames("TaskResponse"), Is.EqualTo(new[]
            {
                "id", "task_name", "status", "attempt", "input_payload", "output_payload", "error", "created_at", "updated_at",
                "worker_id", "scheduled_at", "waiting_for",
            }));
            Assert.That(PropertyNames("ActivityResponse"), Is.EqualTo(new[] { "id", "task_id", "action", "details", "created_at" }));
            Assert.That(PropertyNames("WorkflowListResponse"), Is.EqualTo(new[] { "data", "next_cursor" }));
            Assert.That(PropertyNames("MessageResponseOfWorkflowResponse"), Is.EqualTo(new[] { "message", "data" }));
            Assert.That(PropertyNames("WorkflowDefinitionResponse"), Is.EqualTo(new[] { "name", "tasks", "steps" }));
            Assert.That(PropertyNames("StepResponse"), Is.EqualTo(new[] { "name", "kind", "wait", "signal" }));
            Assert.That(PropertyNames("WaitStepResponse"), Is.EqualTo(new[] { "for", "until_field" }));
            Assert.That(PropertyNames("SignalResponse"), Is.EqualTo(new[] { "workflow_id", "name", "received_at" }));
        }
    }

    [Test]
    public void WorkflowSchema_TypesItsProperties()
    {
        var properties = Schema("WorkflowResponse")["properties"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(properties["status"]?["enum"]?.AsArray().Select(value => value!.GetValue<string>()),
                Is.EqualTo(new[] { "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED" }));
            Assert.That(properties["created_at"]?["format"]?.GetValue<string>(), Is.EqualTo("date-time"));
            Assert.That(Schema("RawJson")["type"]?.GetValue<string>(), Is.EqualTo("object"), "current_input is a JSON object");
            Assert.That(Schema("TaskResponse")["properties"]?["attempt"]?["type"]?.GetValue<string>(), Is.EqualTo("integer"));
            Assert.That(Schema("WorkflowListResponse")["properties"]?["next_cursor"]?["type"]?.AsArray().Select(type => type!.GetValue<string>()),
                Is.EquivalentTo(new[] { "string", "null" }));
        }
    }

    [Test]
    public void Document_DeclaresTheBearerApiKey()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_document["components"]?["securitySchemes"]?["ApiKey"]?["scheme"]?.GetValue<string>(), Is.EqualTo("bearer"));
            Assert.That(_document["security"]?[0]?.AsObject().Select(requirement => requirement.Key), Is.EqualTo(new[] { "ApiKey" }));
        }
    }

    [Test]
    public async Task Document_WithoutKey_Answers401()
    {
        using var response = await _app.Client.GetAsync("/openapi/v1.json");

        await HttpJson.ReadProblemAsync(response, 401);
    }

    private JsonObject Operation(string method, string path) =>
        _document["paths"]?[path]?[method]?.AsObject()
        ?? throw new AssertionException($"The document has no {method.ToUpperInvariant()} {path}.");

    private JsonObject Schema(string name) =>
        _document["components"]?["schemas"]?[name]?.AsObject()
        ?? throw new AssertionException($"The document has no schema {name}.");

    private IEnumerable<string> PropertyNames(string schema) =>
        Schema(schema)["properties"]!.AsObject().Select(property => property.Key);
}

/// <summary>The real host (on its default store, SQLite) serves the same document: the adapter's mapping is all it takes.</summary>
public sealed class HostedOpenApiDocumentTests
{
    [Test]
    public async Task Host_ServesTheDocumentWithEveryWorkflowRoute()
    {
        await using var store = await Hosted.TestStore.CreateAsync(Hosted.Store.Sqlite);
        await using var host = await Hosted.TestHost.StartAsync(store, Hosted.TestHost.ApiOnly);

        using var response = await host.Client.GetAsync("/openapi/v1.json");

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var paths = JsonNode.Parse(text)!["paths"]!.AsObject().Select(path => path.Key);
        Assert.That(paths, Is.SupersetOf(new[]
        {
            "/workflows", "/workflows/{id}", "/workflows/{id}/activity", "/workflows/{id}/cancel", "/workflows/{id}/retry",
            "/workflow-definitions",
        }));
    }
}
