using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Host.Tests.EndToEnd;

/// <summary>
/// The whole GoFlow host in memory (REST API, application, the MySQL or SQLite adapter and the real polling worker) on a
/// fresh database, driven the way a client drives it: over HTTP only.
/// </summary>
internal sealed class GoFlowHost : IAsyncDisposable
{
    /// <summary>Generous, because CI machines are slow; a workflow normally finishes in well under a second.</summary>
    public static readonly TimeSpan FinishTimeout = TimeSpan.FromSeconds(30);

    private readonly WebApplicationFactory<Program> _factory;

    private GoFlowHost(TestStore database, WebApplicationFactory<Program> factory)
    {
        Database = database;
        _factory = factory;
        Client = factory.CreateClient();
    }

    public TestStore Database { get; }

    public HttpClient Client { get; }

    public static async Task<GoFlowHost> StartAsync(Store store)
    {
        var database = await TestStore.CreateAsync(store);
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            // No fixed port (the host's default is 8080), so parallel test runs never meet on one.
            .UseSetting("urls", "http://127.0.0.1:0")
            .UseSetting(database.Setting.Key, database.Setting.Value));
        var host = new GoFlowHost(database, factory);
        try
        {
            // The host picks its store from its configuration; make sure it picked the one under test.
            var queue = factory.Services.GetRequiredService<ITaskQueue>();
            Assert.That(queue.GetType().Name, Is.EqualTo(database.QueueTypeName), $"the host must run on {store}");
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>POST /workflows; returns the new workflow's id.</summary>
    public async Task<string> StartWorkflowAsync(string workflowName, string inputPayload)
    {
        using var content = new StringContent(
            $$"""{"workflow_name": "{{workflowName}}", "input_payload": {{inputPayload}}}""", Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync("/workflows", content);
        var body = await ReadAsync(response, HttpStatusCode.Created);
        return body["data"]!["id"]!.GetValue<string>();
    }

    /// <summary>
    /// Reads GET /workflows/{id} until the workflow is COMPLETED or FAILED, failing at <see cref="FinishTimeout"/>
    /// with the last state read. Returns the <c>data</c> object.
    /// </summary>
    public async Task<JsonObject> WaitUntilFinishedAsync(string id)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var workflow = await GetDataAsync($"/workflows/{id}");
            if (workflow["status"]?.GetValue<string>() is StatusNames.Completed or StatusNames.Failed)
            {
                return workflow.AsObject();
            }

            if (clock.Elapsed > FinishTimeout)
            {
                Assert.Fail($"Workflow {id} did not finish within {FinishTimeout.TotalSeconds:0}s: {workflow.ToJsonString()}");
            }

            // A short pause between reads, not a wait standing in for the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>GET /workflows/{id}/activity's rows.</summary>
    public async Task<JsonArray> GetActivityAsync(string id) => (await GetDataAsync($"/workflows/{id}/activity")).AsArray();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            // The host (and its worker) stops before its database is dropped.
            await _factory.DisposeAsync();
        }
        finally
        {
            // Dropped even when stopping the host failed, so that no test database is left behind.
            await Database.DisposeAsync();
        }
    }

    private async Task<JsonNode> GetDataAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        return (await ReadAsync(response, HttpStatusCode.OK))["data"]!;
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), text);
        return JsonNode.Parse(text)!.AsObject();
    }
}
