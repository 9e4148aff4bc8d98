using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// A signal step (ADR 0020) through the real host and its worker, on each store, with the host's clock in the test's
/// hand: an approval flow waits, shows what for, and finishes once approved by a signal; or fails at its timeout; a
/// signal sent before the step is reached is consumed when it is; a resend under its Idempotency-Key is answered as the
/// first and stores nothing; a signal to a finished workflow is refused.
/// </summary>
[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
public sealed class SignalEndToEndTests(Store kind)
{
    private const string Workflow = "Approval";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SignalTimeout = TimeSpan.FromHours(2);

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
            new Dictionary<string, string?>
            {
                ["Worker:PollInterval"] = "00:00:01",
                ["Worker:RecoveryInterval"] = "00:00:10",
                [$"Workflows:{Workflow}:Tasks:0"] = "ValidateOrder",
                [$"Workflows:{Workflow}:Tasks:1"] = "AwaitApproval",
                [$"Workflows:{Workflow}:Tasks:2"] = "SendEmail",
                [$"Workflows:{Workflow}:Signals:AwaitApproval:Name"] = "approved",
                [$"Workflows:{Workflow}:Signals:AwaitApproval:Timeout"] = "02:00:00",
            },
            services => services.AddSingleton<TimeProvider>(_clock));
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _host.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Test]
    public async Task Signal_ToAWaitingApproval_FinishesItWithThePayloadMergedIntoTheData()
    {
        var id = (await _host.Client.StartAsync(Workflow, """{"order_id": "A-1", "amount": 5}""")).Id();
        var waiting = await WaitUntilWaitingAsync(id);
        var step = waiting["tasks"]![1]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(waiting.Status(), Is.EqualTo(StatusNames.Running));
            Assert.That(step["waiting_for"]!["signal"]!.GetValue<string>(), Is.EqualTo("approved"));
            Assert.That(Time(step["waiting_for"]!["timeout_at"]), Is.EqualTo(Time(step["scheduled_at"])));
        }

        using var signal = await SignalAsync(id, """{"approved_by": "ann", "amount": 6}""", key: "approve-A-1");
        Assert.That(signal.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await signal.Content.ReadAsStringAsync());

        var done = await WaitForStatusAsync(id, StatusNames.Completed);
        var actions = (await _host.Client.GetActivityAsync(id)).Select(row => row!["action"]!.GetValue<string>()).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(done["tasks"]![1]!["output_payload"]!["approved_by"]!.GetValue<string>(), Is.EqualTo("ann"));
            Assert.That(done["tasks"]![2]!["input_payload"]!["order_id"]!.GetValue<string>(), Is.EqualTo("A-1"), "the data flows on");
            Assert.That(done["tasks"]![2]!["input_payload"]!["amount"]!.GetValue<int>(), Is.EqualTo(6), "the payload's field wins");
            Assert.That(actions, Does.Contain(ActivityAction.TaskWaiting).And.Contain(ActivityAction.SignalReceived));
        }

        using var late = await SignalAsync(id, "{}");
        await HttpJson.ReadProblemAsync(late, Conflict);
    }

    [Test]
    public async Task Signal_NeverSent_FailsTheStepAndItsWorkflowAtTheTimeout()
    {
        var id = (await _host.Client.StartAsync(Workflow, """{"order_id": "A-2", "amount": 5}""")).Id();
        await WaitUntilWaitingAsync(id);

        _clock.Advance(SignalTimeout - TimeSpan.FromMinutes(1));
        Assert.That((await _host.Client.GetWorkflowAsync(id))["tasks"]![1]!["status"]!.GetValue<string>(), Is.EqualTo(StatusNames.Waiting),
            "still waiting a minute before its timeout");
        var failed = await Poll.UntilAsync(
            async () =>
            {
                _clock.Advance(TimeSpan.FromSeconds(10));
                return await _host.Client.GetWorkflowAsync(id);
            },
            workflow => workflow.Status() == StatusNames.Failed,
            Timeout,
            $"workflow {id} to fail at its signal's timeout");

        Assert.That(failed["tasks"]![1]!["error"]!.GetValue<string>(), Is.EqualTo(TaskTransitions.SignalTimeoutError));
        Assert.That(failed["tasks"]!.AsArray(), Has.Count.EqualTo(2), "the step after it never ran");
    }

    [Test]
    public async Task Signal_SentBeforeTheStepIsReached_IsConsumedWhenItIsWithoutWaiting()
    {
        var body = new JsonObject
        {
            ["workflow_name"] = Workflow,
            ["input_payload"] = new JsonObject { ["order_id"] = "A-3", ["amount"] = 5 },
            ["start_at"] = (_clock.GetUtcNow() + TimeSpan.FromHours(1)).ToString("O", CultureInfo.InvariantCulture),
        };
        using var start = await _host.Client.PostAsync("/workflows", HttpJson.Body(body.ToJsonString()));
        var id = (await HttpJson.ReadObjectAsync(start))["data"]!.Id();

        using var signal = await SignalAsync(id, """{"approved_by": "bob"}""");
        Assert.That(signal.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await signal.Content.ReadAsStringAsync());
        _clock.Advance(TimeSpan.FromHours(1));

        var done = await WaitForStatusAsync(id, StatusNames.Completed);
        var actions = (await _host.Client.GetActivityAsync(id)).Select(row => row!["action"]!.GetValue<string>()).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(done["current_input"]!["approved_by"]!.GetValue<string>(), Is.EqualTo("bob"));
            Assert.That(actions, Does.Not.Contain(ActivityAction.TaskWaiting), "the signal was there when the step came");
            Assert.That(actions.IndexOf(ActivityAction.SignalReceived), Is.LessThan(actions.IndexOf(ActivityAction.TaskStarted)));
        }
    }

    [Test]
    public async Task Signal_ResentUnderItsKey_IsAnsweredAsTheFirstAndAnotherPayloadOrNameIsRefused()
    {
        var body = new JsonObject
        {
            ["workflow_name"] = Workflow,
            ["input_payload"] = new JsonObject { ["order_id"] = "A-4", ["amount"] = 5 },
            ["start_at"] = (_clock.GetUtcNow() + TimeSpan.FromDays(1)).ToString("O", CultureInfo.InvariantCulture),
        };
        using var start = await _host.Client.PostAsync("/workflows", HttpJson.Body(body.ToJsonString()));
        var id = (await HttpJson.ReadObjectAsync(start))["data"]!.Id();

        using var first = await SignalAsync(id, """{"ok": true}""", key: "k-4");
        var firstText = await first.Content.ReadAsStringAsync();
        var rows = await CountRowsAsync();
        using var again = await SignalAsync(id, """{"ok": true}""", key: "k-4");
        var againText = await again.Content.ReadAsStringAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.StatusCode, Is.EqualTo(first.StatusCode));
            Assert.That(againText, Is.EqualTo(firstText), "answered as the first was");
            Assert.That(await CountRowsAsync(), Is.EqualTo(rows), "and nothing stored");
        }

        using var otherPayload = await SignalAsync(id, """{"ok": false}""", key: "k-4");
        await HttpJson.ReadProblemAsync(otherPayload, 422);
        using var withoutKey = await SignalAsync(id, """{"ok": true}""");
        await HttpJson.ReadProblemAsync(withoutKey, Conflict);
        using var otherName = await _host.Client.PostAsync($"/workflows/{id}/signals/rejected", HttpJson.Body("{}"));
        await HttpJson.ReadProblemAsync(otherName, 404);
        using var notAnObject = await _host.Client.PostAsync($"/workflows/{id}/signals/approved", HttpJson.Body("[1]"));
        await HttpJson.ReadProblemAsync(notAnObject, 400);
        var compressed = HttpJson.Body("""{"ok": true}""");
        compressed.Headers.ContentEncoding.Add("gzip");
        using var inAContentCoding = await _host.Client.PostAsync($"/workflows/{id}/signals/approved", compressed);
        await HttpJson.ReadProblemAsync(inAContentCoding, 415);
        Assert.That(await CountRowsAsync(), Is.EqualTo(rows), "no refusal stored anything");
    }

    private const int Conflict = 409;

    /// <summary>Every row of the tables a signal may touch, counted: what a repeat or a refusal must leave as it is.</summary>
    private async Task<long> CountRowsAsync() =>
        await _store.CountAsync("SELECT COUNT(*) FROM workflow_signals") + await _store.CountAsync("SELECT COUNT(*) FROM activity_logs")
        + await _store.CountAsync("SELECT COUNT(*) FROM tasks") + await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances");

    private async Task<HttpResponseMessage> SignalAsync(string id, string payload, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/workflows/{id}/signals/approved") { Content = HttpJson.Body(payload) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await _host.Client.SendAsync(request);
    }

    private Task<JsonObject> WaitUntilWaitingAsync(string id) => Poll.UntilAsync(
        async () =>
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            return await _host.Client.GetWorkflowAsync(id);
        },
        workflow => workflow["tasks"]!.AsArray().Count > 1 && workflow["tasks"]![1]!["status"]!.GetValue<string>() == StatusNames.Waiting,
        Timeout,
        $"workflow {id}'s approval step to wait");

    private Task<JsonObject> WaitForStatusAsync(string id, string status) => Poll.UntilAsync(
        async () =>
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            return await _host.Client.GetWorkflowAsync(id);
        },
        workflow => workflow.Status() == status,
        Timeout,
        $"workflow {id} to be {status}");

    private static DateTimeOffset Time(JsonNode? node) =>
        DateTimeOffset.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
