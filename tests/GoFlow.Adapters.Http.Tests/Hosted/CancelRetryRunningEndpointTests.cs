using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Application;
using GoFlow.Domain;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// Cancel and retry through the real host with its worker, on each store, on workflows that run: OrderProcess's second
/// step is scripted (<see cref="DeductMoneyScript"/>) to fail or to hold, so a workflow can be caught FAILED or
/// RUNNING after its first step completed.
/// </summary>
[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
public sealed class CancelRetryRunningEndpointTests(Store kind)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly DeductMoneyScript _script = new();
    private TestStore _store = null!;
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _store = await TestStore.CreateAsync(kind);
        _host = await TestHost.StartAsync(
            _store,
            TestHost.ApiAndWorker,
            new Dictionary<string, string?>
            {
                // A short heartbeat, so that a running step learns of its cancellation within a moment.
                ["Worker:HeartbeatInterval"] = "00:00:00.100",
                ["Worker:LeaseDuration"] = "00:00:05",
                ["Worker:PollInterval"] = "00:00:00.050",
            },
            services => services
                .AddSingleton(_script)
                .AddGoFlowTaskHandler<ScriptedDeductMoney>("DeductMoney"));
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _host.DisposeAsync();
        await _store.DisposeAsync();
    }

    [TestCase("cancel")]
    [TestCase("retry")]
    public async Task ChangeRoutes_CompletedWorkflow_Answer409NamingCompleted(string change)
    {
        var id = (await _host.Client.StartAsync("OrderProcess", $$"""{"order_id": "done-{{change}}", "amount": 5}""")).Id();
        await _host.Client.WaitForStatusAsync(id, StatusNames.Completed, Timeout);

        using var response = await _host.Client.PostAsync($"/workflows/{id}/{change}", content: null);

        var problem = await HttpJson.ReadProblemAsync(response, 409);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(problem["workflow_status"]?.GetValue<string>(), Is.EqualTo("COMPLETED"));
            Assert.That((await _host.Client.GetWorkflowAsync(id)).Status(), Is.EqualTo("COMPLETED"));
        }
    }

    [Test]
    public async Task Retry_RunningWorkflow_Answers409NamingRunning()
    {
        var held = _script.HoldFirstCall("R-1");
        var id = (await _host.Client.StartAsync("OrderProcess", """{"order_id": "R-1", "amount": 5}""")).Id();
        await held.Started.Task.WaitAsync(Timeout);
        try
        {
            using var response = await _host.Client.PostAsync($"/workflows/{id}/retry", content: null);

            var problem = await HttpJson.ReadProblemAsync(response, 409);
            Assert.That(problem["workflow_status"]?.GetValue<string>(), Is.EqualTo("RUNNING"));
        }
        finally
        {
            held.Release();
        }

        // Untouched by the refused retry, it runs on to the end.
        await _host.Client.WaitForStatusAsync(id, StatusNames.Completed, Timeout);
    }

    [Test]
    public async Task Cancel_RunningWorkflow_Answers200CancelledAndStopsTheRunningStep()
    {
        var held = _script.HoldFirstCall("R-2");
        var id = (await _host.Client.StartAsync("OrderProcess", """{"order_id": "R-2", "amount": 5}""")).Id();
        await held.Started.Task.WaitAsync(Timeout);

        using var response = await _host.Client.PostAsync($"/workflows/{id}/cancel", content: null);

        var body = await HttpJson.ReadObjectAsync(response);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200), body.ToJsonString());
            Assert.That(body["data"]!.Status(), Is.EqualTo("CANCELLED"));
            Assert.That(Steps(body["data"]!), Is.EqualTo(new[] { ("ValidateOrder", "COMPLETED"), ("DeductMoney", "CANCELLED") }));
        }

        // The worker's heartbeat finds the step no longer running and fires its cancellation token.
        await held.Cancelled.Task.WaitAsync(Timeout);
        var workflow = await _host.Client.GetWorkflowAsync(id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(workflow.Status(), Is.EqualTo("CANCELLED"));
            Assert.That(Steps(workflow), Is.EqualTo(new[] { ("ValidateOrder", "COMPLETED"), ("DeductMoney", "CANCELLED") }));
        }
    }

    [Test]
    public async Task Retry_CancelledWhileRunning_ResumesAtTheCancelledStepAndCompletesWithoutRerunningTheFirst()
    {
        var held = _script.HoldFirstCall("R-3");
        var id = (await _host.Client.StartAsync("OrderProcess", """{"order_id": "R-3", "amount": 5}""")).Id();
        await held.Started.Task.WaitAsync(Timeout);
        using (var cancel = await _host.Client.PostAsync($"/workflows/{id}/cancel", content: null))
        {
            Assert.That((int)cancel.StatusCode, Is.EqualTo(200), await cancel.Content.ReadAsStringAsync());
        }

        // Retried only once the cancelled attempt has stopped, so that the test is about the retry alone.
        await held.Cancelled.Task.WaitAsync(Timeout);

        using (var retry = await _host.Client.PostAsync($"/workflows/{id}/retry", content: null))
        {
            var body = await HttpJson.ReadObjectAsync(retry);
            Assert.That((int)retry.StatusCode, Is.EqualTo(200), body.ToJsonString());
            Assert.That(body["data"]!.Id(), Is.EqualTo(id));
        }

        await AssertRanToTheEndRunningTheFirstStepOnceAsync(id);
        Assert.That(_script.Calls("R-3"), Is.EqualTo(2), "the cancelled step runs again, once");
    }

    [Test]
    public async Task Retry_FailedAtTheSecondStep_ResumesThereAndCompletesWithoutRerunningTheFirst()
    {
        _script.FailFirstCall("R-4");
        var id = (await _host.Client.StartAsync("OrderProcess", """{"order_id": "R-4", "amount": 5}""")).Id();
        var failed = await _host.Client.WaitForStatusAsync(id, StatusNames.Failed, Timeout);
        Assert.That(Steps(failed), Is.EqualTo(new[] { ("ValidateOrder", "COMPLETED"), ("DeductMoney", "FAILED") }));

        using (var retry = await _host.Client.PostAsync($"/workflows/{id}/retry", content: null))
        {
            var body = await HttpJson.ReadObjectAsync(retry);
            using (Assert.EnterMultipleScope())
            {
                Assert.That((int)retry.StatusCode, Is.EqualTo(200), body.ToJsonString());
                Assert.That(body["data"]!.Id(), Is.EqualTo(id));
                // Read again after the change: the worker may have taken it up already, but it is no longer FAILED.
                Assert.That(body["data"]!.Status(), Is.Not.EqualTo("FAILED"));
            }
        }

        var completed = await AssertRanToTheEndRunningTheFirstStepOnceAsync(id);
        var deduct = completed["tasks"]!.AsArray()[1]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(deduct["id"]!.GetValue<long>(), Is.EqualTo(failed["tasks"]!.AsArray()[1]!["id"]!.GetValue<long>()),
                "the failed step's task is resumed, not replaced");
            Assert.That(deduct["attempt"]!.GetValue<int>(), Is.EqualTo(2), "attempt numbers keep counting up");
            Assert.That(_script.Calls("R-4"), Is.EqualTo(2));
        }
    }

    /// <summary>
    /// Waits for COMPLETED, then checks that each of the three steps completed once and the first one, completed
    /// before the cancel or failure, was started only once: the retry did not run it again.
    /// </summary>
    private async Task<JsonObject> AssertRanToTheEndRunningTheFirstStepOnceAsync(string id)
    {
        var workflow = await _host.Client.WaitForStatusAsync(id, StatusNames.Completed, Timeout);
        var activity = await _host.Client.GetActivityAsync(id);
        var tasks = workflow["tasks"]!.AsArray();
        var firstTaskId = tasks[0]!["id"]!.GetValue<long>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Steps(workflow), Is.EqualTo(new[]
            {
                ("ValidateOrder", "COMPLETED"), ("DeductMoney", "COMPLETED"), ("SendEmail", "COMPLETED"),
            }));
            Assert.That(CountPerTask(activity, "TASK_COMPLETED"), Is.EqualTo(
                tasks.ToDictionary(task => task!["id"]!.GetValue<long>(), _ => 1)), activity.ToJsonString());
            Assert.That(CountPerTask(activity, "TASK_STARTED").GetValueOrDefault(firstTaskId), Is.EqualTo(1), activity.ToJsonString());
        }

        return workflow;
    }

    private static List<(string Name, string Status)> Steps(JsonNode workflow) =>
        [.. workflow["tasks"]!.AsArray().Select(task => (task!["task_name"]!.GetValue<string>(), task.Status()))];

    private static Dictionary<long, int> CountPerTask(JsonArray activity, string action) => activity
        .Where(row => row!["action"]!.GetValue<string>() == action)
        .GroupBy(row => row!["task_id"]!.GetValue<long>())
        .ToDictionary(group => group.Key, group => group.Count());
}
