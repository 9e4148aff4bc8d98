using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Hosted;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace GoFlow.Adapters.Http.Tests.Health;

/// <summary>
/// The probes in the real host: <c>/health/live</c> answers while the process does; <c>/health/ready</c> answers 200
/// only while the store (MySQL or the SQLite file) is reachable with its tables and the worker loop runs.
/// </summary>
public sealed class HealthEndpointTests
{
    /// <summary>The worker loop starts on a thread of its own just after the host; a start takes seconds on a slow machine.</summary>
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task HealthLive_HostRunning_Answers200WithNoChecks()
    {
        await using var api = await HostedApi.StartAsync();

        var (status, body) = await GetHealthAsync(api.Client, "/health/live");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
            Assert.That(body["status"]?.GetValue<string>(), Is.EqualTo("Healthy"));
            Assert.That(body["checks"]?.AsArray(), Is.Empty);
        }
    }

    [Test]
    public async Task HealthReady_DatabaseAndWorkerUp_Answers200WithEachCheckHealthy()
    {
        await using var api = await HostedApi.StartAsync();

        var body = await WaitUntilReadyAsync(api.Client);

        var checks = body["checks"]!.AsArray().Select(check => check!.AsObject()).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(body["status"]?.GetValue<string>(), Is.EqualTo("Healthy"));
            Assert.That(checks.Select(check => check["name"]?.GetValue<string>()), Is.EquivalentTo(new[] { "mysql", "worker" }));
            Assert.That(checks.Select(check => check["status"]?.GetValue<string>()), Has.All.EqualTo("Healthy"));
            Assert.That(
                checks.Select(check => check.Select(member => member.Key).Order()),
                Has.All.EqualTo(new[] { "description", "name", "status" }),
                "each check is reported as name, status and description, nothing more");
        }
    }

    [Test]
    public async Task HealthReady_DatabaseUnreachable_Answers503WhileLiveAnswers200()
    {
        var closedPort = ClosedLoopbackPort();
        var connectionString = $"Server=127.0.0.1;Port={closedPort};User ID=goflow;Password=probe-secret-1f2e;Database=goflow_unreachable";
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.UseSetting("MySql:ConnectionString", connectionString);
            // Without this the host would wait at start for the server to come up.
            builder.UseSetting("MySql:ApplySchemaOnStart", "false");
        });
        using var client = factory.CreateClient();

        var (readyStatus, ready) = await GetHealthAsync(client, "/health/ready");
        var (liveStatus, _) = await GetHealthAsync(client, "/health/live");

        var text = ready.ToJsonString();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(readyStatus, Is.EqualTo(HttpStatusCode.ServiceUnavailable), text);
            Assert.That(ready["status"]?.GetValue<string>(), Is.EqualTo("Unhealthy"));
            Assert.That(Check(ready, "mysql")["status"]?.GetValue<string>(), Is.EqualTo("Unhealthy"));
            Assert.That(Check(ready, "mysql")["description"]?.GetValue<string>(), Is.EqualTo("The MySQL database cannot be reached."));
            Assert.That(liveStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(
                text,
                Does.Not.Contain(closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .And.Not.Contain("probe-secret").And.Not.Contain("goflow_unreachable").And.Not.Contain("127.0.0.1"));
        }
    }

    [Test]
    public async Task HealthReady_TablesDropped_Answers503NamingTheMissingTables()
    {
        await using var api = await HostedApi.StartAsync();
        await WaitUntilReadyAsync(api.Client);

        await api.Database.ExecuteAsync("DROP TABLE activity_logs; DROP TABLE workflow_signals; DROP TABLE tasks; DROP TABLE workflow_instances;");
        var (status, body) = await GetHealthAsync(api.Client, "/health/ready");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body.ToJsonString());
            Assert.That(Check(body, "mysql")["description"]?.GetValue<string>(), Does.Contain("tables are missing"));
            Assert.That(body.ToJsonString(), Does.Not.Contain(api.Database.Name).And.Not.Contain("doesn't exist"));
        }
    }

    [Test]
    public async Task HealthReady_WorkerLoopEnded_Answers503()
    {
        await using var api = await HostedApi.StartAsync();
        await WaitUntilReadyAsync(api.Client);

        var worker = api.Services.GetServices<IHostedService>().Single(service => service.GetType().Name == "TaskWorker");
        await worker.StopAsync(CancellationToken.None);
        var (status, body) = await GetHealthAsync(api.Client, "/health/ready");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body.ToJsonString());
            Assert.That(Check(body, "worker")["status"]?.GetValue<string>(), Is.EqualTo("Unhealthy"));
            Assert.That(Check(body, "mysql")["status"]?.GetValue<string>(), Is.EqualTo("Healthy"));
        }
    }

    [Test]
    public async Task HealthReady_CheckThrowsWithSecretsInItsMessage_AnswerHidesTheMessage()
    {
        var folder = Directory.CreateTempSubdirectory("goflow-health-throwing-").FullName;
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
                .UseSetting("urls", "http://127.0.0.1:0")
                .UseSetting("Sqlite:Path", Path.Combine(folder, "goflow.db"))
                .ConfigureServices(services => services.AddHealthChecks().AddCheck(
                    "exploding",
                    () => throw new InvalidOperationException("Server=db.internal;Password=hunter2 at /srv/goflow/secret.db"),
                    tags: ["ready"])));
            using var client = factory.CreateClient();

            var (status, body) = await GetHealthAsync(client, "/health/ready");

            using (Assert.EnterMultipleScope())
            {
                Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body.ToJsonString());
                Assert.That(Check(body, "exploding")["status"]?.GetValue<string>(), Is.EqualTo("Unhealthy"));
                Assert.That(Check(body, "exploding")["description"]?.GetValue<string>(), Is.EqualTo("The check failed; the log has the details."));
                Assert.That(body.ToJsonString(), Does.Not.Contain("hunter2").And.Not.Contain("db.internal").And.Not.Contain("secret.db"));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task HealthEndpoints_KeysConfiguredAndNoKeySent_Answer200()
    {
        await using var api = await HostedApi.StartAsync(new Dictionary<string, string?> { ["Api:Keys:0"] = "health-test-key-0c8e" });

        await WaitUntilReadyAsync(api.Client);
        var (liveStatus, _) = await GetHealthAsync(api.Client, "/health/live");
        using var workflows = await api.Client.GetAsync("/workflow-definitions");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(liveStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(workflows.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the keys are in force");
        }
    }

    [Test]
    public async Task HealthReady_SqliteFolderRemovedWhileRunning_GoesFrom200To503()
    {
        var folder = Directory.CreateTempSubdirectory("goflow-health-sqlite-").FullName;
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
                .UseSetting("urls", "http://127.0.0.1:0")
                .UseSetting("Sqlite:Path", Path.Combine(folder, "goflow.db")));
            using var client = factory.CreateClient();
            var before = await WaitUntilReadyAsync(client);

            Directory.Delete(folder, recursive: true);
            var (status, after) = await GetHealthAsync(client, "/health/ready");

            using (Assert.EnterMultipleScope())
            {
                Assert.That(Check(before, "sqlite")["status"]?.GetValue<string>(), Is.EqualTo("Healthy"));
                Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), after.ToJsonString());
                Assert.That(Check(after, "sqlite")["description"]?.GetValue<string>(), Is.EqualTo("The SQLite database file cannot be opened."));
                Assert.That(after.ToJsonString(), Does.Not.Contain(folder));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> GetHealthAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"), text);
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>Reads /health/ready until it answers 200 (the worker loop has started), failing at the deadline.</summary>
    private static async Task<JsonObject> WaitUntilReadyAsync(HttpClient client)
    {
        var (_, body) = await Poll.UntilAsync(
            () => GetHealthAsync(client, "/health/ready"),
            answer => answer.Status == HttpStatusCode.OK,
            ReadyTimeout,
            "/health/ready to answer 200");
        return body;
    }

    private static JsonObject Check(JsonObject report, string name) =>
        report["checks"]!.AsArray().Select(check => check!.AsObject())
            .SingleOrDefault(check => check["name"]?.GetValue<string>() == name)
        ?? throw new AssertionException($"No check named {name} in {report.ToJsonString()}");

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on: taken from the system, then given back.</summary>
    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
