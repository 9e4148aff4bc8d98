using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// The API's core answers through the real host on its default store, the embedded SQLite file (no MySQL configured):
/// 201, 200, the activity log, 404 and 400, and a refused request stores nothing.
/// </summary>
public sealed class SqliteStoreEndpointTests
{
    private static readonly TimeSpan CompletionTimeout = TimeSpan.FromSeconds(30);

    private string _folder = null!;
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    private string DatabasePath => Path.Combine(_folder, "goflow.db");

    [OneTimeSetUp]
    public void StartHost()
    {
        _folder = Directory.CreateTempSubdirectory("goflow-http-sqlite-").FullName;
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("urls", "http://127.0.0.1:0")
            .UseSetting("Sqlite:Path", DatabasePath));
        _client = _factory.CreateClient();
        Assert.That(_factory.Services.GetRequiredService<ITaskQueue>().GetType().Name, Is.EqualTo("SqliteTaskQueue"),
            "with no MySQL configured the host runs on SQLite");
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task PostWorkflows_ValidOrder_Answers201WithLocationAndStoresItInTheFile()
    {
        using var response = await _client.PostAsync("/workflows", HttpJson.Body(
            """{"workflow_name": "OrderProcess", "input_payload": {"order_id": "S-1", "amount": 42}}"""));

        var body = await HttpJson.ReadObjectAsync(response);
        var id = body["data"]?["id"]?.GetValue<string>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
            Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo($"/workflows/{id}"));
            Assert.That(body["data"]?["status"]?.GetValue<string>(), Is.EqualTo("PENDING"));
            Assert.That(await CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE id = @id", new { id }), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task GetWorkflow_Started_Answers200AndReachesCompletedWithEveryTaskInOrder()
    {
        var id = await StartOrderAsync("""{"order_id": "S-2", "amount": 10}""");

        var workflow = await Poll.UntilAsync(
            () => GetDataAsync($"/workflows/{id}"),
            data => data["status"]?.GetValue<string>() is StatusNames.Completed or StatusNames.Failed,
            CompletionTimeout,
            $"workflow {id} to finish");

        var tasks = workflow["tasks"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(workflow["status"]?.GetValue<string>(), Is.EqualTo("COMPLETED"), workflow.ToJsonString());
            Assert.That(tasks.Select(task => task!["task_name"]!.GetValue<string>()),
                Is.EqualTo(new[] { "ValidateOrder", "DeductMoney", "SendEmail" }));
            Assert.That(tasks.Select(task => task!["status"]!.GetValue<string>()), Is.All.EqualTo("COMPLETED"));
            Assert.That(JsonNode.DeepEquals(workflow["current_input"], tasks[2]!["output_payload"]), Is.True);
        }
    }

    [Test]
    public async Task GetWorkflowActivity_Started_Answers200OldestFirstBeginningWithWorkflowCreated()
    {
        var id = await StartOrderAsync("""{"order_id": "S-3", "amount": 1}""");

        using var response = await _client.GetAsync($"/workflows/{id}/activity");

        var rows = (await HttpJson.ReadObjectAsync(response))["data"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(rows[0]!["action"]?.GetValue<string>(), Is.EqualTo("WORKFLOW_CREATED"));
            Assert.That(rows[0]!["created_at"]?.GetValue<string>(), Does.EndWith("Z"));
            Assert.That(rows.Select(row => row!["id"]!.GetValue<long>()), Is.Ordered.Ascending);
        }
    }

    [TestCase("/workflows/{0}")]
    [TestCase("/workflows/{0}/activity")]
    public async Task GetWorkflowRoutes_UnknownId_Answer404Problem(string route)
    {
        var unknown = WorkflowId.New(DateTimeOffset.UtcNow);

        using var response = await _client.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, route, unknown));

        await HttpJson.ReadProblemAsync(response, 404);
    }

    [TestCase("""{"workflow_name": "ShipParcel"}""", "workflow_name")]
    [TestCase("""{"workflow_name": "OrderProcess", "input_payload": [1, 2]}""", "input_payload")]
    public async Task PostWorkflows_InvalidRequest_Answers400AndStoresNothing(string body, string field)
    {
        // Workflows only: this host's worker keeps adding tasks to the workflows other tests started, and a refused
        // start cannot store a task without storing its workflow.
        var before = await CountAsync("SELECT COUNT(*) FROM workflow_instances");

        using var response = await _client.PostAsync("/workflows", HttpJson.Body(body));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(problem["errors"]?[field]?.AsArray(), Is.Not.Empty, problem.ToJsonString());
            Assert.That(await CountAsync("SELECT COUNT(*) FROM workflow_instances"), Is.EqualTo(before));
        }
    }

    private async Task<string> StartOrderAsync(string payload)
    {
        using var response = await _client.PostAsync(
            "/workflows", HttpJson.Body($$"""{"workflow_name": "OrderProcess", "input_payload": {{payload}}}"""));
        var body = await HttpJson.ReadObjectAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return body["data"]!["id"]!.GetValue<string>();
    }

    private async Task<JsonObject> GetDataAsync(string path)
    {
        using var response = await _client.GetAsync(path);
        var body = await HttpJson.ReadObjectAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body["data"]!.AsObject();
    }

    private async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }
}
