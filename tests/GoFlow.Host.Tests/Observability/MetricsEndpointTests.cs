using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using GoFlow.Domain;
using GoFlow.Host.Tests.EndToEnd;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace GoFlow.Host.Tests.Observability;

/// <summary>GET /metrics in the real host: the Prometheus text format, the engine's counters moving, behind the keys.</summary>
public sealed class MetricsEndpointTests
{
    private const string Workflow = "OrderProcess";

    private static readonly string[] OrderTasks = ["ValidateOrder", "DeductMoney", "SendEmail"];

    [TestCase(Store.Sqlite)]
    [TestCase(Store.MySql)]
    public async Task Metrics_OrderProcessRunsToCompletion_CountersMoveByItsWorkflowAndAttempts(Store store)
    {
        await using var host = await GoFlowHost.StartAsync(store);
        var before = await ScrapeAsync(host.Client);

        var id = await host.StartWorkflowAsync(Workflow, """{"order_id": "M-1", "amount": 12}""");
        var workflow = await host.WaitUntilFinishedAsync(id);
        Assert.That(workflow["status"]?.GetValue<string>(), Is.EqualTo(StatusNames.Completed), workflow.ToJsonString());

        // The exporter caches a scrape for a moment; read until the completed workflow shows.
        var after = await ScrapeUntilAsync(
            host.Client, scrape => Delta(before, scrape, "goflow_workflows_completed_total", ("workflow_name", Workflow)) >= 1);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Delta(before, after, "goflow_workflows_started_total", ("workflow_name", Workflow)), Is.EqualTo(1));
            Assert.That(Delta(before, after, "goflow_workflows_completed_total", ("workflow_name", Workflow)), Is.EqualTo(1));
            Assert.That(Delta(before, after, "goflow_workflows_failed_total", ("workflow_name", Workflow)), Is.Zero);
            foreach (var task in OrderTasks)
            {
                Assert.That(Delta(before, after, "goflow_task_attempts_started_total", ("workflow_name", Workflow), ("task_name", task)), Is.EqualTo(1), task);
                Assert.That(Delta(before, after, "goflow_task_attempts_completed_total", ("workflow_name", Workflow), ("task_name", task)), Is.EqualTo(1), task);
            }

            Assert.That(Delta(before, after, "goflow_task_attempts_failed_total"), Is.Zero);
            Assert.That(Delta(before, after, "goflow_task_attempts_retried_total"), Is.Zero);
            Assert.That(Delta(before, after, "goflow_task_duration_seconds_count", ("workflow_name", Workflow), ("outcome", "completed")), Is.EqualTo(3));
            // Only the first step is claimed from the queue; each next step is handed over in the commit of the one
            // before (ADR 0011), and still counts as picked up, with no wait.
            Assert.That(Delta(before, after, "goflow_worker_claim_batch_size_sum"), Is.EqualTo(1));
            Assert.That(Delta(before, after, "goflow_task_pickup_latency_seconds_count", ("workflow_name", Workflow)), Is.EqualTo(3));
            // Durations are in seconds, so the buckets must start well below one second.
            Assert.That(after.LabelValues("goflow_task_duration_seconds_bucket", "le"), Does.Contain("0.005").And.Contain("300"));
        }
    }

    [Test]
    public async Task Metrics_FailedOrder_CountsTheFailedWorkflowAndAttempt()
    {
        await using var host = await GoFlowHost.StartAsync(Store.Sqlite);
        var before = await ScrapeAsync(host.Client);

        // ValidateOrder refuses an amount of 0 for good: one attempt, no retry.
        var id = await host.StartWorkflowAsync(Workflow, """{"order_id": "M-2", "amount": 0}""");
        var workflow = await host.WaitUntilFinishedAsync(id);
        Assert.That(workflow["status"]?.GetValue<string>(), Is.EqualTo(StatusNames.Failed), workflow.ToJsonString());

        var after = await ScrapeUntilAsync(
            host.Client, scrape => Delta(before, scrape, "goflow_workflows_failed_total", ("workflow_name", Workflow)) >= 1);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Delta(before, after, "goflow_workflows_failed_total", ("workflow_name", Workflow)), Is.EqualTo(1));
            Assert.That(Delta(before, after, "goflow_task_attempts_failed_total", ("task_name", "ValidateOrder")), Is.EqualTo(1));
            Assert.That(Delta(before, after, "goflow_task_attempts_completed_total"), Is.Zero);
            Assert.That(Delta(before, after, "goflow_workflows_completed_total"), Is.Zero);
        }
    }

    [Test]
    public async Task Metrics_KeysConfigured_NeedsAKeyLikeEveryRouteOutsideHealth()
    {
        const string key = "metrics-test-key-5d2a";
        var folder = Directory.CreateTempSubdirectory("goflow-metrics-").FullName;
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
                .UseSetting("urls", "http://127.0.0.1:0")
                .UseSetting("Sqlite:Path", Path.Combine(folder, "goflow.db"))
                .UseSetting("Api:Keys:0", key));
            using var client = factory.CreateClient();

            using var anonymous = await client.GetAsync("/metrics");
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var authorized = await client.SendAsync(request);
            var text = await authorized.Content.ReadAsStringAsync();

            using (Assert.EnterMultipleScope())
            {
                Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
                Assert.That(authorized.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
                Assert.That(authorized.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
                Assert.That(text, Does.Contain("# TYPE target_info gauge"));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task Metrics_TasksWaitingInTheStore_GaugesCountThem()
    {
        var folder = Directory.CreateTempSubdirectory("goflow-gauges-").FullName;
        try
        {
            var path = Path.Combine(folder, "goflow.db");

            // An API-only host queues two workflows that no worker takes...
            await using (var api = ApiOnlyHost(path))
            {
                using var client = api.CreateClient();
                for (var i = 0; i < 2; i++)
                {
                    using var response = await client.PostAsync("/workflows", new StringContent(
                        """{"workflow_name": "OrderProcess", "input_payload": {"order_id": "G-1", "amount": 1}}""",
                        System.Text.Encoding.UTF8,
                        "application/json"));
                    Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
                }
            }

            // ...and the next host counts them when it starts.
            await using var next = ApiOnlyHost(path);
            using var nextClient = next.CreateClient();
            var scrape = await ScrapeUntilAsync(nextClient, text => text.Has("goflow_tasks_pending"));

            using (Assert.EnterMultipleScope())
            {
                Assert.That(scrape.Sum("goflow_tasks_pending"), Is.EqualTo(2));
                Assert.That(scrape.Sum("goflow_tasks_running"), Is.Zero);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static WebApplicationFactory<Program> ApiOnlyHost(string sqlitePath) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("urls", "http://127.0.0.1:0")
            .UseSetting("GoFlow:Roles", "Api")
            .UseSetting("Sqlite:Path", sqlitePath));

    private static double Delta(PrometheusText before, PrometheusText after, string metric, params (string Name, string Value)[] labels) =>
        after.Sum(metric, labels) - before.Sum(metric, labels);

    private static async Task<PrometheusText> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return PrometheusText.Parse(text);
    }

    private static async Task<PrometheusText> ScrapeUntilAsync(HttpClient client, Func<PrometheusText, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var scrape = await ScrapeAsync(client);
            if (done(scrape))
            {
                return scrape;
            }

            if (clock.Elapsed > GoFlowHost.FinishTimeout)
            {
                Assert.Fail($"The metrics did not show what the test waits for within {GoFlowHost.FinishTimeout.TotalSeconds:0}s");
            }

            // A short pause between scrapes, not a wait standing in for the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
