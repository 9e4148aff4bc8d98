using System.Net;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Apis;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using Moq;

namespace GoFlow.Adapters.Http.Tests.Apis;

/// <summary>
/// The operations endpoints (list, cancel, retry, idempotent start) over Moq'd driving ports: what each use-case result
/// becomes, and what each request becomes for the use case.
/// </summary>
public sealed class WorkflowOperationsApiTests
{
    private static readonly WorkflowId OtherId = new(Guid.Parse("01936f4e-8a2b-7c3d-9e4f-0a1b2c3d4e60"));

    private AdapterApp _app = null!;

    private AdapterAppPorts Ports => _app.Ports;

    [SetUp]
    public async Task SetUp() => _app = await AdapterApp.StartAsync();

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task ListWorkflows_NoQuery_AsksForTheFirstPageOfFiftyUnfiltered()
    {
        WorkflowListQuery? received = null;
        Ports.ListWorkflows
            .Setup(port => port.ListAsync(It.IsAny<WorkflowListQuery>(), It.IsAny<CancellationToken>()))
            .Callback<WorkflowListQuery, CancellationToken>((query, _) => received = query)
            .ReturnsAsync(new WorkflowPage([], null));

        using var response = await _app.Client.GetAsync("/workflows");

        var body = await HttpJson.ReadObjectAsync(response);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(received, Is.EqualTo(new WorkflowListQuery(null, null, null, null, 50, null)));
            Assert.That(JsonNode.DeepEquals(body, JsonNode.Parse("""{"data": [], "next_cursor": null}""")), Is.True, body.ToJsonString());
        }
    }

    [Test]
    public async Task ListWorkflows_EveryParameter_ReachesTheUseCaseParsed()
    {
        var position = new WorkflowListPosition(ReadModels.CreatedAt, OtherId);
        WorkflowListQuery? received = null;
        Ports.ListWorkflows
            .Setup(port => port.ListAsync(It.IsAny<WorkflowListQuery>(), It.IsAny<CancellationToken>()))
            .Callback<WorkflowListQuery, CancellationToken>((query, _) => received = query)
            .ReturnsAsync(new WorkflowPage([], null));

        using var response = await _app.Client.GetAsync(
            "/workflows?status=FAILED&workflow_name=OrderProcess&created_after=2025-01-02T03:04:05Z" +
            "&created_before=2025-01-03T05:04:05.5%2B02:00&limit=500&cursor=" + WorkflowListCursor.Encode(position));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(received, Is.EqualTo(new WorkflowListQuery(
            WorkflowStatus.Failed,
            "OrderProcess",
            new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
            new DateTimeOffset(2025, 1, 3, 3, 4, 5, 500, TimeSpan.Zero),
            500,
            position)));
    }

    [Test]
    public async Task ListWorkflows_PageWithMore_AnswersTheWorkflowsAndACursorToTheNextPosition()
    {
        var next = new WorkflowListPosition(ReadModels.CreatedAt, ReadModels.WorkflowId);
        Ports.ListWorkflows
            .Setup(port => port.ListAsync(It.IsAny<WorkflowListQuery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WorkflowPage([ReadModels.Workflow(WorkflowStatus.Failed)], next));

        using var response = await _app.Client.GetAsync("/workflows?limit=1");

        var body = await HttpJson.ReadObjectAsync(response);
        var workflow = body["data"]![0]!.AsObject();
        var cursor = body["next_cursor"]!.GetValue<string>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(body.Select(property => property.Key), Is.EqualTo(new[] { "data", "next_cursor" }));
            Assert.That(workflow.Select(property => property.Key), Is.EqualTo(
                new[] { "id", "workflow_name", "status", "current_input", "created_at", "updated_at" }));
            Assert.That(workflow["id"]?.GetValue<string>(), Is.EqualTo(ReadModels.WorkflowId.ToString()));
            Assert.That(workflow["status"]?.GetValue<string>(), Is.EqualTo("FAILED"));
            Assert.That(workflow["created_at"]?.GetValue<string>(), Is.EqualTo("2025-01-02T03:04:05.123456Z"));
            Assert.That(WorkflowListCursor.TryDecode(cursor, out var decoded), Is.True, cursor);
            Assert.That(decoded, Is.EqualTo(next));
            Assert.That(Uri.EscapeDataString(cursor), Is.EqualTo(cursor), "a cursor needs no escaping in a URL");
        }
    }

    [TestCase("status=failed", "status")]
    [TestCase("limit=0", "limit")]
    [TestCase("created_before=2025-01-02T03:04:05%2B25:00", "created_before")]
    [TestCase("cursor=%00%01", "cursor")]
    public async Task ListWorkflows_BadValue_Answers400WithoutCallingTheUseCase(string query, string parameter)
    {
        using var response = await _app.Client.GetAsync($"/workflows?{query}");

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?[parameter]?.AsArray(), Is.Not.Empty, problem.ToJsonString());
        Ports.ListWorkflows.VerifyNoOtherCalls();
    }

    [Test]
    public async Task ListWorkflows_SeveralBadValues_NamesEachOfThem()
    {
        using var response = await _app.Client.GetAsync("/workflows?status=x&limit=x&created_after=x&cursor=x&workflow_name=");

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]!.AsObject().Select(property => property.Key),
            Is.EquivalentTo(new[] { "status", "limit", "created_after", "cursor", "workflow_name" }));
    }

    [TestCase("cancel")]
    [TestCase("retry")]
    public async Task ChangeWorkflow_Changed_Answers200WithTheWorkflowReadAgain(string change)
    {
        SetUpChange(change, new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Cancelled));
        Ports.GetWorkflow
            .Setup(port => port.GetAsync(new GetWorkflowQuery(ReadModels.WorkflowId), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WorkflowDetails(ReadModels.Workflow(WorkflowStatus.Cancelled),
                [ReadModels.Task(1, 0, "ValidateOrder", WorkflowTaskStatus.Cancelled)]));

        using var response = await _app.Client.PostAsync($"/workflows/{ReadModels.WorkflowId}/{change}", content: null);

        var body = await HttpJson.ReadObjectAsync(response);
        var data = body["data"]!.AsObject();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
            Assert.That(body.Select(property => property.Key), Is.EqualTo(new[] { "data" }));
            Assert.That(data.Select(property => property.Key), Is.EqualTo(
                new[] { "id", "workflow_name", "status", "current_input", "created_at", "updated_at", "tasks" }));
            Assert.That(data["id"]?.GetValue<string>(), Is.EqualTo(ReadModels.WorkflowId.ToString()));
            Assert.That(data["status"]?.GetValue<string>(), Is.EqualTo("CANCELLED"));
            Assert.That(data["tasks"]?[0]?["status"]?.GetValue<string>(), Is.EqualTo("CANCELLED"));
        }
    }

    [TestCase("cancel", WorkflowStatus.Completed, "COMPLETED", "PENDING or RUNNING")]
    [TestCase("cancel", WorkflowStatus.Failed, "FAILED", "PENDING or RUNNING")]
    [TestCase("retry", WorkflowStatus.Running, "RUNNING", "FAILED or CANCELLED")]
    [TestCase("retry", WorkflowStatus.Completed, "COMPLETED", "FAILED or CANCELLED")]
    public async Task ChangeWorkflow_Conflict_Answers409NamingTheStatusWithoutReadingAgain(
        string change, WorkflowStatus status, string statusName, string allowed)
    {
        SetUpChange(change, new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, status));

        using var response = await _app.Client.PostAsync($"/workflows/{ReadModels.WorkflowId}/{change}", content: null);

        var problem = await HttpJson.ReadProblemAsync(response, 409);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(problem["workflow_status"]?.GetValue<string>(), Is.EqualTo(statusName));
            Assert.That(problem["detail"]?.GetValue<string>(), Does.Contain(statusName).And.Contain(allowed));
        }

        Ports.GetWorkflow.VerifyNoOtherCalls();
    }

    [TestCase("cancel")]
    [TestCase("retry")]
    public async Task ChangeWorkflow_NotFound_Answers404Problem(string change)
    {
        SetUpChange(change, new WorkflowChangeResult(WorkflowChangeOutcome.NotFound, null));

        using var response = await _app.Client.PostAsync($"/workflows/{ReadModels.WorkflowId}/{change}", content: null);

        var problem = await HttpJson.ReadProblemAsync(response, 404);
        Assert.That(problem["detail"]?.GetValue<string>(), Does.Contain(ReadModels.WorkflowId.ToString()));
    }

    [TestCase("cancel")]
    [TestCase("retry")]
    public async Task ChangeWorkflow_ChangedButGoneWhenReadAgain_Answers404Problem(string change)
    {
        SetUpChange(change, new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Pending));
        Ports.GetWorkflow
            .Setup(port => port.GetAsync(It.IsAny<GetWorkflowQuery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((WorkflowDetails?)null);

        using var response = await _app.Client.PostAsync($"/workflows/{ReadModels.WorkflowId}/{change}", content: null);

        await HttpJson.ReadProblemAsync(response, 404);
    }

    [TestCase("not-an-id/cancel")]
    [TestCase("01936f4e8a2b7c3d9e4f0a1b2c3d4e5f/retry")]
    [TestCase("%7B01936f4e-8a2b-7c3d-9e4f-0a1b2c3d4e5f%7D/cancel")]
    public async Task ChangeWorkflow_MalformedId_Answers404WithoutCallingAUseCase(string path)
    {
        using var response = await _app.Client.PostAsync($"/workflows/{path}", content: null);

        await HttpJson.ReadProblemAsync(response, 404);
        Ports.CancelWorkflow.VerifyNoOtherCalls();
        Ports.RetryWorkflow.VerifyNoOtherCalls();
    }

    [TestCase("cancel")]
    [TestCase("retry")]
    public async Task ChangeWorkflow_WithABody_Answers400WithoutCallingAUseCase(string change)
    {
        using var response = await _app.Client.PostAsync(
            $"/workflows/{ReadModels.WorkflowId}/{change}", HttpJson.Body("<not json>", "application/xml"));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["detail"]?.GetValue<string>(), Does.StartWith($"POST /workflows/{{id}}/{change} takes no request body"));
        Ports.CancelWorkflow.VerifyNoOtherCalls();
        Ports.RetryWorkflow.VerifyNoOtherCalls();
    }

    [TestCase("key-1", "key-1")]
    [TestCase(null, null)]
    public async Task StartWorkflow_IdempotencyKeyHeader_ReachesTheUseCaseAsSent(string? header, string? expected)
    {
        Assert.That(await SendKeyAsync(_app, header), Is.EqualTo(new StartWorkflowCommand("OrderProcess", null, expected)));
    }

    [Test]
    public async Task StartWorkflow_EmptyIdempotencyKeyHeader_ReachesTheUseCaseEmptyNotAsNoKey()
    {
        // On Kestrel: the in-memory test server drops a header whose value is empty before the adapter sees it.
        await using var app = await AdapterApp.StartAsync(onKestrel: true);

        Assert.That(await SendKeyAsync(app, string.Empty), Is.EqualTo(new StartWorkflowCommand("OrderProcess", null, string.Empty)));
    }

    [Test]
    public async Task StartWorkflow_TwoIdempotencyKeyHeaders_Answers400WithoutCallingTheUseCase()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/workflows")
        {
            Content = HttpJson.Body("""{"workflow_name":"OrderProcess"}"""),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", ["a", "b"]);

        using var response = await _app.Client.SendAsync(request);

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?["idempotency_key"]?.AsArray(), Is.Not.Empty);
        Ports.StartWorkflow.VerifyNoOtherCalls();
    }

    [Test]
    public async Task StartWorkflow_AlreadyStarted_Answers200WithLocationAndTheSameShapeAs201()
    {
        Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.AlreadyStarted(ReadModels.Workflow(WorkflowStatus.Running)));

        using var response = await _app.Client.PostAsync("/workflows", HttpJson.Body("""{"workflow_name":"OrderProcess"}"""));

        var body = await HttpJson.ReadObjectAsync(response);
        var data = body["data"]!.AsObject();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo($"/workflows/{ReadModels.WorkflowId}"));
            Assert.That(body.Select(property => property.Key), Is.EqualTo(new[] { "message", "data" }));
            Assert.That(body["message"]?.GetValue<string>(), Is.EqualTo("Workflow already started with this Idempotency-Key"));
            Assert.That(data.Select(property => property.Key), Is.EqualTo(
                new[] { "id", "workflow_name", "status", "current_input", "created_at", "updated_at" }));
            Assert.That(data["id"]?.GetValue<string>(), Is.EqualTo(ReadModels.WorkflowId.ToString()));
            Assert.That(data["status"]?.GetValue<string>(), Is.EqualTo("RUNNING"));
        }
    }

    [Test]
    public async Task StartWorkflow_KeyReused_Answers422ProblemWithTheUseCasesDetail()
    {
        Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.KeyReused("Idempotency-Key 'k' was already used for a different request."));

        using var response = await _app.Client.PostAsync("/workflows", HttpJson.Body("""{"workflow_name":"OrderProcess"}"""));

        var problem = await HttpJson.ReadProblemAsync(response, 422);
        Assert.That(problem["detail"]?.GetValue<string>(), Is.EqualTo("Idempotency-Key 'k' was already used for a different request."));
    }

    [Test]
    public async Task StartWorkflow_KeyInvalid_Answers400NamingIdempotencyKey()
    {
        Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.Invalid(new Dictionary<string, string[]>
            {
                ["idempotency_key"] = ["The Idempotency-Key header must be 1 to 255 characters."],
            }));

        using var response = await _app.Client.PostAsync("/workflows", HttpJson.Body("""{"workflow_name":"OrderProcess"}"""));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?["idempotency_key"]?[0]?.GetValue<string>(), Does.StartWith("The Idempotency-Key header"));
    }

    /// <summary>Starts OrderProcess with <paramref name="key"/> as the Idempotency-Key (none when null): the command the use case got.</summary>
    private static async Task<StartWorkflowCommand?> SendKeyAsync(AdapterApp app, string? key)
    {
        StartWorkflowCommand? received = null;
        app.Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .Callback<StartWorkflowCommand, CancellationToken>((command, _) => received = command with { InputPayload = null })
            .ReturnsAsync(new StartWorkflowResult.Started(ReadModels.Workflow()));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/workflows")
        {
            Content = HttpJson.Body("""{"workflow_name":"OrderProcess"}"""),
        };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        using var response = await app.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return received;
    }

    private void SetUpChange(string change, WorkflowChangeResult result)
    {
        if (change == "cancel")
        {
            Ports.CancelWorkflow
                .Setup(port => port.CancelAsync(ReadModels.WorkflowId, It.IsAny<CancellationToken>()))
                .ReturnsAsync(result);
        }
        else
        {
            Ports.RetryWorkflow
                .Setup(port => port.RetryAsync(ReadModels.WorkflowId, It.IsAny<CancellationToken>()))
                .ReturnsAsync(result);
        }
    }
}
