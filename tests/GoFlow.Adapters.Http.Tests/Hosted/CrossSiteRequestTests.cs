using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// Cross-site request forgery against a host without API keys, through the real host: a page of another site makes the
/// operator's browser send a change. It is refused with a 403 problem and changes nothing; the dashboard's own
/// (same-origin) changes and clients that are not browsers pass.
/// </summary>
public sealed class CrossSiteRequestTests
{
    private const string Schedule = "Nightly";

    private HostedApi _api = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _api = await HostedApi.StartAsync(new Dictionary<string, string?>
    {
        ["GoFlow:Roles"] = "Api",
        [$"Schedules:{Schedule}:Workflow"] = "OrderProcess",
        [$"Schedules:{Schedule}:Cron"] = "0 2 * * *",
    });

    [OneTimeTearDown]
    public async Task StopHost() => await _api.DisposeAsync();

    [SetUp]
    public async Task Resume()
    {
        using var resumed = await _api.Client.PostAsync($"/schedules/{Schedule}/resume", content: null);
        resumed.EnsureSuccessStatusCode();
    }

    [TestCase("Sec-Fetch-Site", "cross-site")]
    [TestCase("Sec-Fetch-Site", "same-site")]
    [TestCase("Origin", "https://evil.example")]
    [TestCase("Origin", "null")]
    public async Task PostWithoutABody_FromAnotherSitesPage_Answers403AndChangesNothing(string header, string value)
    {
        // What a plain form or a no-cors fetch of another site's page sends: no body, so no preflight.
        var rowsBefore = await _api.CountRowsAsync();
        foreach (var change in new[] { "pause", "trigger" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/schedules/{Schedule}/{change}");
            request.Headers.TryAddWithoutValidation(header, value);

            using var response = await _api.Client.SendAsync(request);

            var problem = await HttpJson.ReadProblemAsync(response, 403);
            Assert.That(problem["title"]?.GetValue<string>(), Is.EqualTo("Cross-site request refused"));
        }

        Assert.That(await PausedAsync(), Is.False, "the schedule was not paused");
        Assert.That(await _api.CountRowsAsync(), Is.EqualTo(rowsBefore), "no workflow was triggered");
    }

    [TestCase("Sec-Fetch-Site", "same-origin")]
    [TestCase("Origin", "http://localhost")]
    [TestCase(null, null)]
    public async Task Post_FromTheSameOriginOrNotABrowser_IsTaken(string? header, string? value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/schedules/{Schedule}/pause");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        using var response = await _api.Client.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        Assert.That(await PausedAsync(), Is.True);
    }

    [Test]
    public async Task Get_FromAnotherSitesPage_IsAnswered()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/schedules");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");

        using var response = await _api.Client.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(200), "a read changes nothing, and another site cannot read its answer");
    }

    private async Task<bool> PausedAsync()
    {
        using var response = await _api.Client.GetAsync("/schedules");
        var schedules = (await HttpJson.ReadObjectAsync(response))["data"]!.AsArray();
        return schedules.Single(schedule => schedule!["name"]!.GetValue<string>() == Schedule)!["paused"]!.GetValue<bool>();
    }
}
