using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Domain;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using GoFlow.TestSupport;
using Moq;

namespace GoFlow.Adapters.Http.Tests.Apis;

/// <summary>The /workflows endpoints over Moq'd driving ports: the use-case result to HTTP mapping.</summary>
public sealed class WorkflowsApiTests
{
    private AdapterApp _app = null!;

    private AdapterAppPorts Ports => _app.Ports;

    [SetUp]
    public async Task SetUp() => _app = await AdapterApp.StartAsync();

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task StartWorkflow_Started_Answers201WithLocationAndTheWorkflow()
    {
        Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.Started(ReadModels.Workflow()));

        using var response = await _app.Client.PostAsync(
            "/workflows", HttpJson.Body("""{"workflow_name":"OrderProcess","input_payload":{"order_id":"A-1","amount":42}}"""));

        var body = await HttpJson.ReadObjectAsync(response);
        var data = body["data"]!.AsObject();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo($"/workflows/{ReadModels.WorkflowId}"));
            Assert.That(body["message"]?.GetValue<string>(), Is.EqualTo("Workflow started successfully"));
            Assert.That(data.Select(property => property.Key), Is.EqualTo(
                new[] { "id", "workflow_name", "status", "current_input", "created_at", "updated_at" }));
            Assert.That(data["id"]?.GetValue<string>(), Is.EqualTo(ReadModels.WorkflowId.ToString()));
            Assert.That(data["workflow_name"]?.GetValue<string>(), Is.EqualTo("OrderProcess"));
            Assert.That(data["status"]?.GetValue<string>(), Is.EqualTo("PENDING"));
            Assert.That(data["current_input"]?.GetValueKind(), Is.EqualTo(JsonValueKind.Object));
            Assert.That(data["current_input"]?["amount"]?.GetValue<int>(), Is.EqualTo(42));
            Assert.That(data["created_at"]?.GetValue<string>(), Is.EqualTo("2025-01-02T03:04:05.123456Z"));
            Assert.That(data["updated_at"]?.GetValue<string>(), Is.EqualTo("2025-01-02T03:04:06.123456Z"));
        }
    }

    [Test]
    public async Task StartWorkflow_ValidBody_PassesNameAndPayloadToTheUseCase()
    {
        StartWorkflowCommand? received = null;
        Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .Callback<StartWorkflowCommand, CancellationToken>((command, _) => received = command with
            {
                // The element points into a document the adapter disposes; keep a copy to inspect afterwards.
                InputPayload = command.InputPayload?.Clone(),
            })
            .ReturnsAsync(new StartWorkflowResult.Started(ReadModels.Workflow()));

        using var response = await _app.Client.PostAsync(
            "/workflows", HttpJson.Body("""{"workflow_name":"OrderProcess","input_payload":{"order_id":"A-1"},"extra":1}"""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(received, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(received!.WorkflowName, Is.EqualTo("OrderProcess"));
            Assert.That(received.InputPayload?.GetRawText(), Is.EqualTo("""{"order_id":"A-1"}"""));
        }
    }

    [Test]
    public async Task StartWorkflow_Invalid_Answers400ValidationProblemWithTheUseCasesErrors()
    {
        Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.Invalid(new Dictionary<string, string[]>
            {
                ["workflow_name"] = ["Unknown workflow 'Nope'. Defined workflows: OrderProcess, UserOnboarding."],
            }));

        using var response = await _app.Client.PostAsync("/workflows", HttpJson.Body("""{"workflow_name":"Nope"}"""));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(
            problem["errors"]?["workflow_name"]?.AsArray().Select(error => error!.GetValue<string>()),
            Is.EqualTo(new[] { "Unknown workflow 'Nope'. Defined workflows: OrderProcess, UserOnboarding." }));
    }

    [TestCase("[1]")]
    [TestCase("\"text\"")]
    [TestCase("null")]
    public async Task StartWorkflow_PayloadNotAnObject_Answers400WithoutCallingTheUseCase(string payload)
    {
        using var response = await _app.Client.PostAsync(
            "/workflows", HttpJson.Body($$"""{"workflow_name":"OrderProcess","input_payload":{{payload}}}"""));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?["input_payload"]?[0]?.GetValue<string>(), Does.StartWith("input_payload must be a JSON object"));
        Ports.StartWorkflow.VerifyNoOtherCalls();
    }

    [TestCase("{\"workflow_name\":")]
    [TestCase("[]")]
    [TestCase("""{"workflow_name":"OrderProcess","workflow_name":"UserOnboarding"}""")]
    public async Task StartWorkflow_MalformedOrNotAnObject_Answers400ProblemWithoutCallingTheUseCase(string text)
    {
        using var response = await _app.Client.PostAsync("/workflows", HttpJson.Body(text));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["title"]?.GetValue<string>(), Is.EqualTo("Malformed request body"));
        Ports.StartWorkflow.VerifyNoOtherCalls();
    }

    [TestCase("text/plain")]
    [TestCase(null)]
    public async Task StartWorkflow_BodyNotJson_Answers415ProblemWithoutCallingTheUseCase(string? contentType)
    {
        using var response = await _app.Client.PostAsync("/workflows", HttpJson.Body("""{"workflow_name":"OrderProcess"}""", contentType));

        await HttpJson.ReadProblemAsync(response, 415);
        Ports.StartWorkflow.VerifyNoOtherCalls();
    }

    [Test]
    public async Task GetWorkflow_Found_Answers200WithTasksInStepOrder()
    {
        Ports.GetWorkflow
            .Setup(port => port.GetAsync(new GetWorkflowQuery(ReadModels.WorkflowId), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WorkflowDetails(ReadModels.Workflow(WorkflowStatus.Running),
            [
                // Out of order on purpose: the answer lists tasks in step order whatever the port returned.
                ReadModels.Task(2, 1, "DeductMoney", WorkflowTaskStatus.Running, input: """{"validated":true}"""),
                ReadModels.Task(1, 0, "ValidateOrder", WorkflowTaskStatus.Completed, output: """{"validated":true}"""),
            ]));

        using var response = await _app.Client.GetAsync($"/workflows/{ReadModels.WorkflowId}");

        var data = (await HttpJson.ReadObjectAsync(response))["data"]!.AsObject();
        var tasks = data["tasks"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(data["status"]?.GetValue<string>(), Is.EqualTo("RUNNING"));
            Assert.That(data["current_input"]?.GetValueKind(), Is.EqualTo(JsonValueKind.Object));
            Assert.That(tasks.Select(task => task!["task_name"]!.GetValue<string>()), Is.EqualTo(new[] { "ValidateOrder", "DeductMoney" }));
            Assert.That(tasks[0]!.AsObject().Select(property => property.Key), Is.EqualTo(new[]
            {
                "id", "task_name", "status", "attempt", "input_payload", "output_payload", "error", "created_at", "updated_at",
                "worker_id", "scheduled_at", "waiting_for",
            }));
            Assert.That(tasks[0]!["worker_id"]?.GetValue<string>(), Is.EqualTo("worker-a"), "the worker that ran the task");
            Assert.That(tasks[0]!["id"]?.GetValue<long>(), Is.EqualTo(1));
            Assert.That(tasks[0]!["status"]?.GetValue<string>(), Is.EqualTo("COMPLETED"));
            Assert.That(tasks[0]!["attempt"]?.GetValue<int>(), Is.EqualTo(1));
            Assert.That(tasks[0]!["input_payload"]?.GetValueKind(), Is.EqualTo(JsonValueKind.Object));
            Assert.That(tasks[0]!["output_payload"]?["validated"]?.GetValue<bool>(), Is.True);
            Assert.That(tasks[0]!["error"], Is.Null);
            Assert.That(tasks[1]!["status"]?.GetValue<string>(), Is.EqualTo("RUNNING"));
            Assert.That(tasks[1]!.AsObject().ContainsKey("output_payload"), Is.True, "output_payload is written as null, not left out");
            Assert.That(tasks[1]!["output_payload"], Is.Null);
        }
    }

    [Test]
    public async Task GetWorkflow_FailedTask_ShowsItsError()
    {
        Ports.GetWorkflow
            .Setup(port => port.GetAsync(new GetWorkflowQuery(ReadModels.WorkflowId), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WorkflowDetails(ReadModels.Workflow(WorkflowStatus.Failed),
                [ReadModels.Task(1, 0, "ValidateOrder", WorkflowTaskStatus.Failed, error: "amount must be a number greater than 0")]));

        using var response = await _app.Client.GetAsync($"/workflows/{ReadModels.WorkflowId}");

        var task = (await HttpJson.ReadObjectAsync(response))["data"]!["tasks"]![0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task["status"]?.GetValue<string>(), Is.EqualTo("FAILED"));
            Assert.That(task["error"]?.GetValue<string>(), Is.EqualTo("amount must be a number greater than 0"));
        }
    }

    [Test]
    public async Task GetWorkflow_Unknown_Answers404Problem()
    {
        Ports.GetWorkflow
            .Setup(port => port.GetAsync(It.IsAny<GetWorkflowQuery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((WorkflowDetails?)null);

        using var response = await _app.Client.GetAsync($"/workflows/{ReadModels.WorkflowId}");

        var problem = await HttpJson.ReadProblemAsync(response, 404);
        Assert.That(problem["detail"]?.GetValue<string>(), Does.Contain(ReadModels.WorkflowId.ToString()));
    }

    [TestCase("not-a-uuid")]
    [TestCase("01936f4e8a2b7c3d9e4f0a1b2c3d4e5f")]
    [TestCase("{01936f4e-8a2b-7c3d-9e4f-0a1b2c3d4e5f}")]
    [TestCase("12")]
    public async Task GetWorkflow_MalformedId_Answers404WithoutAskingThePort(string id)
    {
        using var response = await _app.Client.GetAsync($"/workflows/{Uri.EscapeDataString(id)}");

        await HttpJson.ReadProblemAsync(response, 404);
        Ports.GetWorkflow.VerifyNoOtherCalls();
    }

    [Test]
    public async Task GetWorkflowActivity_Found_Answers200WithRowsAsGiven()
    {
        var at = ReadModels.CreatedAt;
        Ports.GetWorkflowActivity
            .Setup(port => port.GetAsync(new GetWorkflowActivityQuery(ReadModels.WorkflowId), It.IsAny<CancellationToken>()))
            .ReturnsAsync(
            [
                new ActivityLogEntry(10, ReadModels.WorkflowId, null, ActivityAction.WorkflowCreated,
                    ActivityDetails.ForWorkflow("OrderProcess"), at),
                new ActivityLogEntry(11, ReadModels.WorkflowId, new TaskId(7), ActivityAction.TaskStarted, null, at.AddTicks(10)),
            ]);

        using var response = await _app.Client.GetAsync($"/workflows/{ReadModels.WorkflowId}/activity");

        var rows = (await HttpJson.ReadObjectAsync(response))["data"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(rows[0]!.AsObject().Select(property => property.Key), Is.EqualTo(
                new[] { "id", "task_id", "action", "details", "created_at" }));
            Assert.That(rows.Select(row => row!["action"]!.GetValue<string>()), Is.EqualTo(new[] { "WORKFLOW_CREATED", "TASK_STARTED" }));
            Assert.That(rows[0]!["id"]?.GetValue<long>(), Is.EqualTo(10));
            Assert.That(rows[0]!["task_id"], Is.Null);
            Assert.That(rows[0]!["details"]?["workflow_name"]?.GetValue<string>(), Is.EqualTo("OrderProcess"));
            Assert.That(rows[1]!["task_id"]?.GetValue<long>(), Is.EqualTo(7));
            Assert.That(rows[1]!["details"], Is.Null);
            Assert.That(rows[1]!["created_at"]?.GetValue<string>(), Is.EqualTo("2025-01-02T03:04:05.123457Z"));
        }
    }

    [Test]
    public async Task GetWorkflowActivity_Unknown_Answers404Problem()
    {
        Ports.GetWorkflowActivity
            .Setup(port => port.GetAsync(It.IsAny<GetWorkflowActivityQuery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IReadOnlyList<ActivityLogEntry>?)null);

        using var response = await _app.Client.GetAsync($"/workflows/{ReadModels.WorkflowId}/activity");

        await HttpJson.ReadProblemAsync(response, 404);
    }

    [Test]
    public async Task GetWorkflowActivity_MalformedId_Answers404WithoutAskingThePort()
    {
        using var response = await _app.Client.GetAsync("/workflows/nope/activity");

        await HttpJson.ReadProblemAsync(response, 404);
        Ports.GetWorkflowActivity.VerifyNoOtherCalls();
    }

    [Test]
    public async Task StoredPayloadNotJson_FailsWithA500ProblemRatherThanABrokenAnswer()
    {
        Ports.GetWorkflow
            .Setup(port => port.GetAsync(It.IsAny<GetWorkflowQuery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WorkflowDetails(ReadModels.Workflow(currentInput: "{not json"), []));

        using var response = await _app.Client.GetAsync($"/workflows/{ReadModels.WorkflowId}");

        await HttpJson.ReadProblemAsync(response, 500);
    }
}
