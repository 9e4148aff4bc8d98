using System.Net;
using GoFlow.Adapters.Http.Tests.Support;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// The real host (API only, SQLite): every route it maps, the dashboard's, the probes and /metrics included, refuses a
/// body unless it declares one, read from its route table; and a refused cancel, retry, pause or trigger changes nothing.
/// </summary>
public sealed class NoBodyRoutesTests
{
    private const string Schedule = "Nightly";
    private const string ReasonBody = """{"reason": "the operator asked"}""";

    private TestStore _store = null!;
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _store = await TestStore.CreateAsync(Store.Sqlite);
        _host = await TestHost.StartAsync(_store, TestHost.ApiOnly, new Dictionary<string, string?>
        {
            [$"Schedules:{Schedule}:Workflow"] = "OrderProcess",
            [$"Schedules:{Schedule}:Cron"] = "0 3 * * *",
        });
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _host.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Test]
    public async Task EveryRouteOfTheHost_WithoutADeclaredBody_RefusesContentWith400Problem()
    {
        var routes = RouteTable.Requests(_host.Services, new Dictionary<string, string>
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["name"] = Schedule,
            ["documentName"] = "v1",
        });
        Assert.That(routes.Where(route => route.TakesBody).Select(route => route.ToString()),
            Is.EquivalentTo(new[] { "POST /workflows/", "POST /workflows/{id}/signals/{name}" }));
        Assert.That(routes.Select(route => route.Pattern), Has.Some.StartsWith("/dashboard").And.Some.EqualTo("/metrics")
            .And.Some.StartsWith("/health"), "the host's other surfaces are in the table");

        foreach (var route in routes.Where(route => !route.TakesBody))
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path) { Content = HttpJson.Body(ReasonBody) };
            using var response = await _host.Client.SendAsync(request);

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), route.ToString());
            if (route.Method != "HEAD")
            {
                var problem = await HttpJson.ReadProblemAsync(response, 400);
                Assert.That(problem["title"]?.GetValue<string>(), Is.EqualTo("Request body not accepted"), route.ToString());
            }
        }
    }

    [Test]
    public async Task CancelAndRetry_WithABody_ChangeNothing()
    {
        var id = (await _host.Client.StartAsync("OrderProcess")).Id();
        var activityBefore = await _store.CountAsync("SELECT COUNT(*) FROM activity_logs");

        using var cancel = await _host.Client.PostAsync($"/workflows/{id}/cancel", HttpJson.Body(ReasonBody));
        await HttpJson.ReadProblemAsync(cancel, 400);
        Assert.That((await _host.Client.GetWorkflowAsync(id))["status"]!.GetValue<string>(), Is.EqualTo("PENDING"));

        using var cancelWithout = await _host.Client.PostAsync($"/workflows/{id}/cancel", content: null);
        Assert.That(cancelWithout.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var activityCancelled = await _store.CountAsync("SELECT COUNT(*) FROM activity_logs");

        using var retry = await _host.Client.PostAsync($"/workflows/{id}/retry", HttpJson.Body("{}"));
        await HttpJson.ReadProblemAsync(retry, 400);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await _host.Client.GetWorkflowAsync(id))["status"]!.GetValue<string>(), Is.EqualTo("CANCELLED"));
            Assert.That(activityCancelled, Is.GreaterThan(activityBefore), "the cancel without a body was recorded");
            Assert.That(await _store.CountAsync("SELECT COUNT(*) FROM activity_logs"), Is.EqualTo(activityCancelled),
                "the refused retry wrote nothing");
        }
    }

    [Test]
    public async Task PauseAndTrigger_WithABody_ChangeNothing()
    {
        var workflowsBefore = await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances");

        using var pause = await _host.Client.PostAsync($"/schedules/{Schedule}/pause", HttpJson.Body(ReasonBody));
        using var trigger = await _host.Client.PostAsync($"/schedules/{Schedule}/trigger", HttpJson.Body("""{"input": {"a": 1}}"""));
        using var list = await _host.Client.GetAsync("/schedules");

        await HttpJson.ReadProblemAsync(pause, 400);
        await HttpJson.ReadProblemAsync(trigger, 400);
        var schedule = (await HttpJson.ReadObjectAsync(list))["data"]!.AsArray().Single(item => item!["name"]!.GetValue<string>() == Schedule)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(schedule["paused"]!.GetValue<bool>(), Is.False);
            Assert.That(await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances"), Is.EqualTo(workflowsBefore));
        }
    }
}
