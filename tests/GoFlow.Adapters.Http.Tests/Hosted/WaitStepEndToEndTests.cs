using System.Globalization;
using System.Text.Json.Nodes;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// Durable waits through the real host and its worker, on each store, with the host's clock in the test's hand
/// (ADR 0019): a three-step workflow with a wait in the middle survives a restart of the host during the wait and runs
/// its last step once the wait is over, not before; a handler that snoozes runs again later on the same attempt.
/// </summary>
[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
public sealed class WaitStepEndToEndTests(Store kind)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Wait = TimeSpan.FromHours(1);

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Worker:PollInterval"] = "00:00:01",
        ["Workflows:Shipping:Tasks:0"] = "ValidateOrder",
        ["Workflows:Shipping:Tasks:1"] = "cool-off",
        ["Workflows:Shipping:Tasks:2"] = "SendEmail",
        ["Workflows:Shipping:Waits:cool-off:For"] = "01:00:00",
        ["Workflows:Snoozy:Tasks:0"] = SnoozeOnce.Name,
        ["Workflows:Snoozy:MaxAttempts"] = "1",
    };

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private TestStore _store = null!;

    [SetUp]
    public async Task CreateStore() => _store = await TestStore.CreateAsync(kind);

    [TearDown]
    public async Task DropStore() => await _store.DisposeAsync();

    [Test]
    public async Task WaitInTheMiddle_HostRestartsDuringTheWait_LastStepRunsOnceTheWaitIsOverAndNotBefore()
    {
        string id;
        DateTimeOffset due;
        await using (var first = await StartHostAsync())
        {
            id = (await first.Client.StartAsync("Shipping", """{"order_id": "W-1", "amount": 5}""")).Id();
            var waiting = await Poll.UntilAsync(
                () => first.Client.GetWorkflowAsync(id),
                workflow => workflow["tasks"]!.AsArray().Count == 2,
                Timeout,
                $"workflow {id} to reach its wait");
            due = Time(waiting["tasks"]![1]!["scheduled_at"]);
            Assert.That(due, Is.EqualTo(Time(waiting["tasks"]![0]!["updated_at"]) + Wait), "the wait is due an hour after the step before it");
        }

        await using var second = await StartHostAsync();

        // A minute before the end the restarted worker claims (woken by a start of its own) and passes the wait by.
        _clock.Advance(Wait - TimeSpan.FromMinutes(1));
        var other = (await second.Client.StartAsync("OrderProcess", """{"order_id": "now", "amount": 1}""")).Id();
        await second.Client.WaitForStatusAsync(other, StatusNames.Completed, Timeout);
        var early = await second.Client.GetWorkflowAsync(id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(early.Status(), Is.EqualTo(StatusNames.Running));
            Assert.That(early["tasks"]![1]!["status"]!.GetValue<string>(), Is.EqualTo(StatusNames.Pending));
            Assert.That(early["tasks"]![1]!["attempt"]!.GetValue<int>(), Is.Zero, "never claimed before its end");
        }

        var done = await Poll.UntilAsync(
            async () =>
            {
                // A second at a time past the end: the worker's poll timer fires whenever it was set.
                _clock.Advance(TimeSpan.FromSeconds(1));
                return await second.Client.GetWorkflowAsync(id);
            },
            workflow => workflow.Status() is StatusNames.Completed or StatusNames.Failed,
            Timeout,
            $"workflow {id} to finish after its wait");
        var waitStep = done["tasks"]![1]!;
        var waitStarted = (await second.Client.GetActivityAsync(id))
            .Where(row => row!["action"]!.GetValue<string>() == ActivityAction.TaskStarted)
            .ElementAt(1)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(done.Status(), Is.EqualTo(StatusNames.Completed), done.ToJsonString());
            Assert.That(done["tasks"]!.AsArray().Select(task => task!["status"]!.GetValue<string>()), Is.All.EqualTo(StatusNames.Completed));
            Assert.That(JsonNode.DeepEquals(waitStep["output_payload"], waitStep["input_payload"]), Is.True, "the wait passes its input through");
            Assert.That(Time(waitStarted["created_at"]), Is.GreaterThanOrEqualTo(due));
            Assert.That(done["current_input"]!["order_id"]!.GetValue<string>(), Is.EqualTo("W-1"));
        }
    }

    [Test]
    public async Task HandlerSnoozes_RunsAgainAfterTheDelayOnTheSameAttempt()
    {
        var handler = new SnoozeOnce();
        await using var host = await StartHostAsync(handler);
        var id = (await host.Client.StartAsync("Snoozy", """{"n": 1}""")).Id();
        var snoozed = await Poll.UntilAsync(
            () => host.Client.GetWorkflowAsync(id),
            // Snoozed: PENDING again and due later (before its claim it was PENDING and due now; the clock stands still).
            workflow => workflow["tasks"]![0]!["status"]!.GetValue<string>() == StatusNames.Pending
                && Time(workflow["tasks"]![0]!["scheduled_at"]) > _clock.GetUtcNow(),
            Timeout,
            $"workflow {id}'s task to be snoozed");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Time(snoozed["tasks"]![0]!["scheduled_at"]), Is.EqualTo(_clock.GetUtcNow() + SnoozeOnce.Delay));
            Assert.That(snoozed["tasks"]![0]!["attempt"]!.GetValue<int>(), Is.Zero, "the attempt is given back");
            Assert.That(handler.Calls, Is.EqualTo(1));
        }

        _clock.Advance(SnoozeOnce.Delay - TimeSpan.FromSeconds(1));
        var done = await Poll.UntilAsync(
            async () =>
            {
                _clock.Advance(TimeSpan.FromSeconds(1));
                return await host.Client.GetWorkflowAsync(id);
            },
            workflow => workflow.Status() is StatusNames.Completed or StatusNames.Failed,
            Timeout,
            $"workflow {id} to finish after its snooze");
        var actions = (await host.Client.GetActivityAsync(id)).Select(row => row!["action"]!.GetValue<string>());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(done.Status(), Is.EqualTo(StatusNames.Completed), "one attempt in all, and the snooze did not use it up");
            Assert.That(done["tasks"]![0]!["attempt"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(handler.Calls, Is.EqualTo(2));
            Assert.That(actions, Is.EqualTo(new[]
            {
                ActivityAction.WorkflowCreated, ActivityAction.TaskStarted, ActivityAction.TaskSnoozed,
                ActivityAction.TaskStarted, ActivityAction.TaskCompleted, ActivityAction.WorkflowCompleted,
            }));
        }
    }

    private Task<TestHost> StartHostAsync(SnoozeOnce? handler = null) =>
        TestHost.StartAsync(
            _store,
            TestHost.ApiAndWorker,
            Settings,
            services =>
            {
                services.AddSingleton<TimeProvider>(_clock);
                services.AddKeyedSingleton<ITaskHandler>(SnoozeOnce.Name, handler ?? new SnoozeOnce());
            });

    private static DateTimeOffset Time(JsonNode? node) =>
        DateTimeOffset.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>Snoozes for ten minutes on its first call, then returns its input.</summary>
    private sealed class SnoozeOnce : ITaskHandler
    {
        public const string Name = "snooze-once";
        public static readonly TimeSpan Delay = TimeSpan.FromMinutes(10);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1 ? throw new TaskSnoozeException(Delay) : Task.FromResult(input);
    }
}
