using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Domain;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// POST /workflows/{id}/cancel and /retry through the real host on each store, on workflows that stay where the test
/// puts them: the API host runs no worker. One test starts a worker host on the same store to run a retried workflow.
/// </summary>
[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
public sealed class CancelRetryEndpointTests(Store kind)
{
    private static readonly TimeSpan CompletionTimeout = TimeSpan.FromSeconds(30);

    private TestStore _store = null!;
    private TestHost _api = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _store = await TestStore.CreateAsync(kind);
        _api = await TestHost.StartAsync(_store, TestHost.ApiOnly);
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _api.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Test]
    public async Task Cancel_PendingWorkflow_Answers200CancelledWithItsTaskCancelledAndLogsIt()
    {
        var id = (await _api.Client.StartAsync("OrderProcess", """{"order_id": "C-1", "amount": 5}""")).Id();

        using var response = await _api.Client.PostAsync($"/workflows/{id}/cancel", content: null);

        var body = await HttpJson.ReadObjectAsync(response);
        var data = body["data"]!.AsObject();
        var activity = await _api.Client.GetActivityAsync(id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200), body.ToJsonString());
            Assert.That(data.Id(), Is.EqualTo(id));
            Assert.That(data.Status(), Is.EqualTo("CANCELLED"));
            Assert.That(data["tasks"]!.AsArray().Select(task => task!.Status()), Is.EqualTo(new[] { "CANCELLED" }));
            Assert.That((await _api.Client.GetWorkflowAsync(id)).Status(), Is.EqualTo("CANCELLED"));
            Assert.That(activity.Select(Action).Count(action => action == "WORKFLOW_CANCELLED"), Is.EqualTo(1),
                activity.ToJsonString());
        }
    }

    [Test]
    public async Task Cancel_AlreadyCancelled_Answers409NamingTheStatusAndChangesNothing()
    {
        var id = (await _api.Client.StartAsync("OrderProcess", """{"order_id": "C-2", "amount": 5}""")).Id();
        using (var first = await _api.Client.PostAsync($"/workflows/{id}/cancel", content: null))
        {
            Assert.That((int)first.StatusCode, Is.EqualTo(200));
        }

        var activityBefore = (await _api.Client.GetActivityAsync(id)).Count;

        using var response = await _api.Client.PostAsync($"/workflows/{id}/cancel", content: null);

        var problem = await HttpJson.ReadProblemAsync(response, 409);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(problem["workflow_status"]?.GetValue<string>(), Is.EqualTo("CANCELLED"));
            Assert.That(problem["detail"]?.GetValue<string>(), Does.Contain("CANCELLED").And.Contain(id));
            Assert.That((await _api.Client.GetActivityAsync(id)).Count, Is.EqualTo(activityBefore));
        }
    }

    [Test]
    public async Task Cancel_WithABody_Answers400AndCancelsNothing()
    {
        var id = (await _api.Client.StartAsync("UserOnboarding", """{"email": "ada@example.com"}""")).Id();

        using var response = await _api.Client.PostAsync($"/workflows/{id}/cancel", HttpJson.Body("not json at all", "text/plain"));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(problem["title"]?.GetValue<string>(), Is.EqualTo("Request body not accepted"));
            Assert.That((await _api.Client.GetWorkflowAsync(id)).Status(), Is.Not.EqualTo("CANCELLED"));
        }
    }

    [Test]
    public async Task Retry_PendingWorkflow_Answers409NamingPending()
    {
        var id = (await _api.Client.StartAsync("OrderProcess", """{"order_id": "C-3", "amount": 5}""")).Id();

        using var response = await _api.Client.PostAsync($"/workflows/{id}/retry", content: null);

        var problem = await HttpJson.ReadProblemAsync(response, 409);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(problem["workflow_status"]?.GetValue<string>(), Is.EqualTo("PENDING"));
            Assert.That((await _api.Client.GetWorkflowAsync(id)).Status(), Is.EqualTo("PENDING"));
        }
    }

    [Test]
    public async Task Retry_CancelledWorkflow_Answers200PendingAgainAndLogsIt()
    {
        var id = (await _api.Client.StartAsync("OrderProcess", """{"order_id": "C-4", "amount": 5}""")).Id();
        using (var cancel = await _api.Client.PostAsync($"/workflows/{id}/cancel", content: null))
        {
            Assert.That((int)cancel.StatusCode, Is.EqualTo(200));
        }

        using var response = await _api.Client.PostAsync($"/workflows/{id}/retry", content: null);

        var body = await HttpJson.ReadObjectAsync(response);
        var data = body["data"]!.AsObject();
        var activity = await _api.Client.GetActivityAsync(id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200), body.ToJsonString());
            Assert.That(data.Id(), Is.EqualTo(id));
            Assert.That(data.Status(), Is.EqualTo("PENDING"));
            Assert.That(data["tasks"]!.AsArray().Select(task => task!.Status()), Is.EqualTo(new[] { "PENDING" }));
            Assert.That(activity.Select(Action).Count(action => action == "WORKFLOW_RETRIED"), Is.EqualTo(1), activity.ToJsonString());
        }
    }

    [Test]
    public async Task Retry_CancelledWhilePending_RunsToCompletedOnceAWorkerRuns()
    {
        var id = (await _api.Client.StartAsync("OrderProcess", """{"order_id": "C-5", "amount": 5}""")).Id();
        using (var cancel = await _api.Client.PostAsync($"/workflows/{id}/cancel", content: null))
        {
            Assert.That((int)cancel.StatusCode, Is.EqualTo(200));
        }

        using (var retry = await _api.Client.PostAsync($"/workflows/{id}/retry", content: null))
        {
            Assert.That((int)retry.StatusCode, Is.EqualTo(200), await retry.Content.ReadAsStringAsync());
        }

        // A worker node on the same store, as a deployment with API and worker nodes apart has.
        await using (await TestHost.StartAsync(_store, TestHost.WorkerOnly, new Dictionary<string, string?>
        {
            ["Worker:PollInterval"] = "00:00:00.050",
        }))
        {
            await _api.Client.WaitForStatusAsync(id, StatusNames.Completed, CompletionTimeout);
        }

        var workflow = await _api.Client.GetWorkflowAsync(id);
        var activity = await _api.Client.GetActivityAsync(id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(workflow["tasks"]!.AsArray().Select(task => (task!["task_name"]!.GetValue<string>(), task.Status())),
                Is.EqualTo(new[] { ("ValidateOrder", "COMPLETED"), ("DeductMoney", "COMPLETED"), ("SendEmail", "COMPLETED") }));
            Assert.That(CompletedPerTask(activity).Values, Is.All.EqualTo(1), activity.ToJsonString());
            Assert.That(CompletedPerTask(activity), Has.Count.EqualTo(3));
        }
    }

    [TestCase("cancel")]
    [TestCase("retry")]
    public async Task ChangeRoutes_UnknownId_Answer404Problem(string change)
    {
        var unknown = WorkflowId.New(DateTimeOffset.UtcNow);

        using var response = await _api.Client.PostAsync($"/workflows/{unknown}/{change}", content: null);

        var problem = await HttpJson.ReadProblemAsync(response, 404);
        Assert.That(problem["detail"]?.GetValue<string>(), Does.Contain(unknown.ToString()));
    }

    [TestCase("/workflows/not-an-id/cancel")]
    [TestCase("/workflows/12345/retry")]
    [TestCase("/workflows/01936f4e8a2b7c3d9e4f0a1b2c3d4e5f/cancel")]
    [TestCase("/workflows/'%20OR%201=1/retry")]
    public async Task ChangeRoutes_MalformedId_Answer404Problem(string path)
    {
        var before = await _store.CountAsync("SELECT COUNT(*) FROM activity_logs");

        using var response = await _api.Client.PostAsync(path, content: null);

        await HttpJson.ReadProblemAsync(response, 404);
        Assert.That(await _store.CountAsync("SELECT COUNT(*) FROM activity_logs"), Is.EqualTo(before));
    }

    private static string Action(JsonNode? row) => row!["action"]!.GetValue<string>();

    /// <summary>How many TASK_COMPLETED rows each task has, by task id.</summary>
    internal static Dictionary<long, int> CompletedPerTask(JsonArray activity) => activity
        .Where(row => Action(row) == "TASK_COMPLETED")
        .GroupBy(row => row!["task_id"]!.GetValue<long>())
        .ToDictionary(group => group.Key, group => group.Count());
}
