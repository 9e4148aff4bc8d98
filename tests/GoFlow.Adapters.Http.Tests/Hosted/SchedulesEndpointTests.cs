using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// GET /schedules and POST /schedules/{name}/pause, /resume, /trigger through the real host on each store (API only,
/// so no runner fires anything), with the host's clock fixed so the next fire times are known.
/// </summary>
[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
public sealed class SchedulesEndpointTests(Store kind)
{
    private const string Key = "schedules-test-key-0123456789";

    // A Monday, 08:30 in Berlin (UTC+1 in winter).
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 5, 7, 30, 0, TimeSpan.Zero));
    private TestStore _store = null!;
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _store = await TestStore.CreateAsync(kind);
        _host = await TestHost.StartAsync(
            _store,
            TestHost.ApiOnly,
            new Dictionary<string, string?>
            {
                ["Api:Keys:0"] = Key,
                ["Schedules:MorningReport:Workflow"] = "UserOnboarding",
                ["Schedules:MorningReport:Cron"] = "0 9 * * 1-5",
                ["Schedules:MorningReport:TimeZone"] = "Europe/Berlin",
                ["Schedules:MorningReport:Input"] = """{"user_id": "report-bot", "email": "ops@example.com"}""",
                ["Schedules:Hourly:Workflow"] = "OrderProcess",
                ["Schedules:Hourly:Cron"] = "15 * * * *",
                ["Schedules:Hourly:Overlap"] = "Allow",
                ["Schedules:Hourly:CatchUp"] = "One",
            },
            services => services.AddSingleton<TimeProvider>(_clock));
        _host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _host.DisposeAsync();
        await _store.DisposeAsync();
    }

    [SetUp]
    public Task ResumeAll() => Task.WhenAll(
        _host.Client.PostAsync("/schedules/MorningReport/resume", content: null),
        _host.Client.PostAsync("/schedules/Hourly/resume", content: null));

    [Test]
    public async Task List_TwoSchedules_ShowsEachByNameWithItsNextFireInItsTimeZone()
    {
        using var response = await _host.Client.GetAsync("/schedules");

        var schedules = (await HttpJson.ReadObjectAsync(response))["data"]!.AsArray();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(schedules.Select(schedule => schedule!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "Hourly", "MorningReport" }));
        var hourly = schedules[0]!;
        var morning = schedules[1]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Time(morning["next_fire_at"]), Is.EqualTo(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero)), "09:00 in Berlin");
            Assert.That(Time(hourly["next_fire_at"]), Is.EqualTo(new DateTimeOffset(2026, 1, 5, 8, 15, 0, TimeSpan.Zero)));
            Assert.That(morning["workflow_name"]!.GetValue<string>(), Is.EqualTo("UserOnboarding"));
            Assert.That(morning["cron"]!.GetValue<string>(), Is.EqualTo("0 9 * * 1-5"));
            Assert.That(morning["time_zone"]!.GetValue<string>(), Is.EqualTo("Europe/Berlin"));
            Assert.That(morning["overlap"]!.GetValue<string>(), Is.EqualTo("Skip"));
            Assert.That(hourly["overlap"]!.GetValue<string>(), Is.EqualTo("Allow"));
            Assert.That(hourly["catch_up"]!.GetValue<string>(), Is.EqualTo("One"));
            Assert.That(morning["paused"]!.GetValue<bool>(), Is.False);
        }
    }

    [Test]
    public async Task PauseThenResume_StoresThePauseAndHidesTheNextFireWhilePaused()
    {
        using var pause = await _host.Client.PostAsync("/schedules/MorningReport/pause", content: null);
        var paused = (await HttpJson.ReadObjectAsync(pause))["data"]!;
        var listed = await ListedAsync("MorningReport");
        using var resume = await _host.Client.PostAsync("/schedules/MorningReport/resume", content: null);
        var resumed = (await HttpJson.ReadObjectAsync(resume))["data"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pause.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(paused["paused"]!.GetValue<bool>(), Is.True);
            Assert.That(paused["next_fire_at"], Is.Null);
            Assert.That(listed["paused"]!.GetValue<bool>(), Is.True, "the pause is stored, not held by the request");
            Assert.That(resume.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(resumed["paused"]!.GetValue<bool>(), Is.False);
            Assert.That(Time(resumed["next_fire_at"]), Is.EqualTo(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero)));
        }
    }

    [Test]
    public async Task Trigger_PausedSchedule_StartsItsWorkflowOnItsInputNow()
    {
        using (await _host.Client.PostAsync("/schedules/MorningReport/pause", content: null))
        {
        }

        using var response = await _host.Client.PostAsync("/schedules/MorningReport/trigger", content: null);

        var started = (await HttpJson.ReadObjectAsync(response))["data"]!;
        var workflow = await _host.Client.GetWorkflowAsync(started.Id());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/workflows/{started.Id()}"));
            Assert.That(workflow.Status(), Is.EqualTo(StatusNames.Pending));
            Assert.That(workflow["workflow_name"]!.GetValue<string>(), Is.EqualTo("UserOnboarding"));
            Assert.That(workflow["current_input"]!["user_id"]!.GetValue<string>(), Is.EqualTo("report-bot"));
            Assert.That((await ListedAsync("MorningReport"))["last_fire_at"], Is.Null, "a trigger is no fire");
        }
    }

    [TestCase("POST", "/schedules/NoSuchSchedule/pause")]
    [TestCase("POST", "/schedules/NoSuchSchedule/resume")]
    [TestCase("POST", "/schedules/NoSuchSchedule/trigger")]
    [TestCase("POST", "/schedules/morningreport/trigger")]
    [TestCase("POST", "/schedules/%27%3B%20DROP%20TABLE%20schedule_states%3B%20--/pause")]
    public async Task UnknownName_Answers404ProblemAndChangesNothing(string method, string path)
    {
        var before = await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances");

        using var response = await _host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var problem = await HttpJson.ReadProblemAsync(response, 404);
        Assert.That(problem["title"]!.GetValue<string>(), Is.EqualTo("Schedule not found"));
        Assert.That(await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances"), Is.EqualTo(before));
        Assert.That(await _store.CountAsync("SELECT COUNT(*) FROM schedule_states WHERE paused = 1"), Is.Zero);
    }

    [Test]
    public async Task UnknownName_KilobytesLong_IsNotQuotedBack()
    {
        var name = new string('x', 4000);

        using var response = await _host.Client.PostAsync($"/schedules/{name}/pause", content: null);

        var problem = await HttpJson.ReadProblemAsync(response, 404);
        Assert.That(problem.ToJsonString(), Does.Not.Contain("xxxxxxxxxx"));
    }

    [TestCase("GET", "/schedules")]
    [TestCase("POST", "/schedules/MorningReport/pause")]
    [TestCase("POST", "/schedules/MorningReport/trigger")]
    public async Task WithoutTheApiKey_Answers401(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await SendWithoutKeyAsync(request);

        await HttpJson.ReadProblemAsync(response, 401);
    }

    private async Task<HttpResponseMessage> SendWithoutKeyAsync(HttpRequestMessage request)
    {
        var saved = _host.Client.DefaultRequestHeaders.Authorization;
        _host.Client.DefaultRequestHeaders.Authorization = null;
        try
        {
            return await _host.Client.SendAsync(request);
        }
        finally
        {
            _host.Client.DefaultRequestHeaders.Authorization = saved;
        }
    }

    private async Task<JsonNode> ListedAsync(string name)
    {
        using var response = await _host.Client.GetAsync("/schedules");
        return (await HttpJson.ReadObjectAsync(response))["data"]!.AsArray().Single(schedule => schedule!["name"]!.GetValue<string>() == name)!;
    }

    private static DateTimeOffset Time(JsonNode? node) =>
        DateTimeOffset.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
