using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using GoFlow.Application;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// Retries through the real host and its worker, on each store: OrderProcess's second step fails as often as the
/// order's <c>fail_times</c> says, then charges the amount. Retries wait 200 ms, then 400 ms (half of each is jitter).
/// </summary>
[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
public sealed class TaskRetryEndToEndTests(Store kind)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(200);

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
                ["Worker:MaxAttempts"] = "3",
                ["Worker:RetryBaseDelay"] = "00:00:00.200",
                ["Worker:RetryBackoffFactor"] = "2",
                ["Worker:RetryMaxDelay"] = "00:00:05",
                ["Worker:PollInterval"] = "00:00:00.050",
            },
            services => services
                .AddSingleton<FlakyDeductMoney.Calls>()
                .AddGoFlowTaskHandler<FlakyDeductMoney>("DeductMoney"));
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _host.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Test]
    public async Task Worker_StepFailsTwiceThenSucceeds_CompletesOnAttempt3AfterTheBackoff()
    {
        var id = (await _host.Client.StartAsync("OrderProcess", """{"order_id": "flaky-2", "amount": 7, "fail_times": 2}""")).Id();

        var workflow = await _host.Client.WaitForStatusAsync(id, StatusNames.Completed, Timeout);

        var deductMoney = workflow["tasks"]!.AsArray().Single(task => task!["task_name"]!.GetValue<string>() == "DeductMoney")!;
        var activity = await DeductMoneyActivityAsync(id, deductMoney["id"]!.GetValue<long>());
        var retries = activity.Where(row => row.Action == ActivityAction.TaskRetryScheduled).ToList();
        var starts = activity.Where(row => row.Action == ActivityAction.TaskStarted).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(deductMoney["status"]!.GetValue<string>(), Is.EqualTo(StatusNames.Completed));
            Assert.That(deductMoney["attempt"]!.GetValue<int>(), Is.EqualTo(3));
            Assert.That(workflow["current_input"]!["charged_amount"]!.GetValue<int>(), Is.EqualTo(7));
            Assert.That(retries, Has.Count.EqualTo(2), "one TASK_RETRY_SCHEDULED row per failed attempt");
            Assert.That(retries.Select(row => row.Details!["error"]!.GetValue<string>()), Has.All.EqualTo("The payment service did not answer."));
            Assert.That(starts, Has.Count.EqualTo(3));
            Assert.That(activity.Count(row => row.Action == ActivityAction.TaskFailed), Is.Zero);

            // Each retry waits at least half its delay: 100 ms after the first failure, 200 ms after the second.
            Assert.That(starts[1].CreatedAt - retries[0].CreatedAt, Is.GreaterThanOrEqualTo(BaseDelay / 2));
            Assert.That(starts[2].CreatedAt - retries[1].CreatedAt, Is.GreaterThanOrEqualTo(BaseDelay));
        }
    }

    [Test]
    public async Task Worker_StepAlwaysFails_FailsTheWorkflowAfterMaxAttempts()
    {
        var id = (await _host.Client.StartAsync("OrderProcess", """{"order_id": "broken", "amount": 7, "fail_times": 99}""")).Id();

        var workflow = await _host.Client.WaitForStatusAsync(id, StatusNames.Failed, Timeout);

        var deductMoney = workflow["tasks"]!.AsArray().Single(task => task!["task_name"]!.GetValue<string>() == "DeductMoney")!;
        var activity = await DeductMoneyActivityAsync(id, deductMoney["id"]!.GetValue<long>());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(deductMoney["status"]!.GetValue<string>(), Is.EqualTo(StatusNames.Failed));
            Assert.That(deductMoney["attempt"]!.GetValue<int>(), Is.EqualTo(3));
            Assert.That(deductMoney["error"]!.GetValue<string>(), Is.EqualTo("The payment service did not answer."));
            Assert.That(activity.Count(row => row.Action == ActivityAction.TaskRetryScheduled), Is.EqualTo(2));
            Assert.That(activity.Count(row => row.Action == ActivityAction.TaskFailed), Is.EqualTo(1));
            Assert.That(workflow["tasks"]!.AsArray(), Has.Count.EqualTo(2), "SendEmail is never created");
        }
    }

    private async Task<List<ActivityRow>> DeductMoneyActivityAsync(string workflowId, long taskId) =>
        [
            .. (await _host.Client.GetActivityAsync(workflowId))
                .Where(row => row!["task_id"]?.GetValue<long>() == taskId)
                .Select(row => new ActivityRow(
                    row!["action"]!.GetValue<string>(),
                    row["details"] as JsonObject,
                    DateTimeOffset.Parse(row["created_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))),
        ];

    private sealed record ActivityRow(string Action, JsonObject? Details, DateTimeOffset CreatedAt);

    /// <summary>Fails the first <c>fail_times</c> calls for an order with a transient error, then charges the amount.</summary>
    private sealed class FlakyDeductMoney(FlakyDeductMoney.Calls calls) : ITaskHandler
    {
        public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
        {
            var orderId = input["order_id"]!.GetValue<string>();
            if (calls.Next(orderId) <= input["fail_times"]!.GetValue<int>())
            {
                throw new InvalidOperationException("The payment service did not answer.");
            }

            input["charged_amount"] = input["amount"]?.DeepClone();
            return Task.FromResult(input);
        }

        internal sealed class Calls
        {
            private readonly ConcurrentDictionary<string, int> _byOrder = new();

            public int Next(string orderId) => _byOrder.AddOrUpdate(orderId, 1, (_, count) => count + 1);
        }
    }
}
