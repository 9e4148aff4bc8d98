using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// A delayed start (<c>start_at</c>) through the real host and its worker, on each store, with the host's clock in the
/// test's hand: the workflow is stored at once, shows when it is due, is not claimed before that time however often
/// the worker claims, runs once the clock reaches it, and can be cancelled while it waits.
/// </summary>
[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
public sealed class DelayedStartEndToEndTests(Store kind)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Delay = TimeSpan.FromHours(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private TestStore _store = null!;
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _store = await TestStore.CreateAsync(kind);
        _host = await TestHost.StartAsync(
            _store,
            TestHost.ApiAndWorker,
            new Dictionary<string, string?> { ["Worker:PollInterval"] = "00:00:01" },
            services => services.AddSingleton<TimeProvider>(_clock));
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _host.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Test]
    public async Task StartAt_InAnHour_IsDueThenAndRunsAtItsTimeAndNotBefore()
    {
        var due = _clock.GetUtcNow() + Delay;
        var delayed = await StartAsync(due);
        var waiting = await _host.Client.GetWorkflowAsync(delayed);
        Assert.That(ScheduledAt(waiting), Is.EqualTo(due), "GET shows when the first task is due");

        // A minute before it is due the worker claims (woken by a start of its own), and finishes that other
        // workflow: that claim passed the delayed one by.
        _clock.Advance(Delay - TimeSpan.FromMinutes(1));
        var other = (await _host.Client.StartAsync("OrderProcess", """{"order_id": "now", "amount": 1}""")).Id();
        await _host.Client.WaitForStatusAsync(other, StatusNames.Completed, Timeout);
        var early = await _host.Client.GetWorkflowAsync(delayed);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(early.Status(), Is.EqualTo(StatusNames.Pending));
            Assert.That(early["tasks"]![0]!["attempt"]!.GetValue<int>(), Is.Zero, "never claimed before its time");
        }

        // A second at a time past the due time: the worker's poll timer fires whenever it was set.
        _clock.Advance(TimeSpan.FromMinutes(1));
        var done = await Poll.UntilAsync(
            async () =>
            {
                _clock.Advance(TimeSpan.FromSeconds(1));
                return await _host.Client.GetWorkflowAsync(delayed);
            },
            workflow => workflow.Status() == StatusNames.Completed,
            Timeout,
            $"workflow {delayed} to complete once due");
        var started = (await _host.Client.GetActivityAsync(delayed))
            .First(row => row!["action"]!.GetValue<string>() == ActivityAction.TaskStarted)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(done["current_input"]!["order_id"]!.GetValue<string>(), Is.EqualTo("later"));
            Assert.That(Time(started["created_at"]), Is.GreaterThanOrEqualTo(due));
        }
    }

    [Test]
    public async Task Cancel_WhileWaitingForItsStart_CancelsAndItNeverRuns()
    {
        var delayed = await StartAsync(_clock.GetUtcNow() + Delay);

        using var cancel = await _host.Client.PostAsync($"/workflows/{delayed}/cancel", content: null);
        Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        _clock.Advance(Delay * 2);
        var other = (await _host.Client.StartAsync("OrderProcess", """{"order_id": "after", "amount": 1}""")).Id();
        await _host.Client.WaitForStatusAsync(other, StatusNames.Completed, Timeout);
        var cancelled = await _host.Client.GetWorkflowAsync(delayed);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(cancelled.Status(), Is.EqualTo(StatusNames.Cancelled));
            Assert.That(cancelled["tasks"]![0]!["status"]!.GetValue<string>(), Is.EqualTo(StatusNames.Cancelled));
            Assert.That(cancelled["tasks"]![0]!["attempt"]!.GetValue<int>(), Is.Zero);
        }
    }

    [Test]
    public async Task StartAt_InThePast_RunsAtOnce()
    {
        var id = await StartAsync(_clock.GetUtcNow() - TimeSpan.FromDays(3));

        var workflow = await _host.Client.WaitForStatusAsync(id, StatusNames.Completed, Timeout);

        Assert.That(ScheduledAt(workflow), Is.EqualTo(Time(workflow["created_at"])), "a past time means now");
    }

    private async Task<string> StartAsync(DateTimeOffset startAt)
    {
        var body = new JsonObject
        {
            ["workflow_name"] = "OrderProcess",
            ["input_payload"] = new JsonObject { ["order_id"] = "later", ["amount"] = 5 },
            // Written with an offset other than UTC's: the instant is what counts.
            ["start_at"] = startAt.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture),
        };
        using var response = await _host.Client.PostAsync("/workflows", HttpJson.Body(body.ToJsonString()));
        var answer = await HttpJson.ReadObjectAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), answer.ToJsonString());
        return answer["data"]!.Id();
    }

    private static DateTimeOffset ScheduledAt(JsonObject workflow) => Time(workflow["tasks"]![0]!["scheduled_at"]);

    private static DateTimeOffset Time(JsonNode? node) =>
        DateTimeOffset.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
