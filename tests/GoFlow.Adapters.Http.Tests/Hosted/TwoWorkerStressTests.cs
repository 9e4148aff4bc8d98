using System.Diagnostics;
using GoFlow.Domain;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// The guarantee of ADR 0007 (a live worker never leaves a task to the lease sweep) under load, on each store: two
/// workers (two hosts on one database) drain a few thousand workflows, several times over, while clients start them. No
/// process dies, so no lease may expire: zero TASK_LEASE_EXPIRED, every task completed exactly once on its first
/// attempt, and no workflow left waiting between two of its steps for more than a few seconds. The lease is a minute,
/// so a task left to the lease sweep would break the last bound long before the sweep took it back.
/// </summary>
[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
[NonParallelizable]
public sealed class TwoWorkerStressTests(Store kind)
{
    private const int Drains = 3;
    private const int WorkflowsPerDrain = 2_000;
    private const int StepsPerWorkflow = 3;
    private const int Clients = 16;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan LongestStepWait = TimeSpan.FromSeconds(5);

    private TestStore _store = null!;
    private TestHost _first = null!;
    private TestHost _second = null!;

    [OneTimeSetUp]
    public async Task StartHosts()
    {
        _store = await TestStore.CreateAsync(kind);
        _first = await TestHost.StartAsync(_store, TestHost.ApiAndWorker, Settings("stress-first"));
        _second = await TestHost.StartAsync(_store, TestHost.WorkerOnly, Settings("stress-second"));
    }

    [OneTimeTearDown]
    public async Task StopHosts()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Test]
    [CancelAfter(300_000)]
    public async Task TwoWorkers_SeveralDrains_NoLeaseExpiresAndEveryTaskCompletesExactlyOnce(CancellationToken cancellationToken)
    {
        for (var drain = 1; drain <= Drains; drain++)
        {
            var clock = Stopwatch.StartNew();
            await StartWorkflowsAsync(drain, cancellationToken);
            await Poll.UntilAsync(
                () => _store.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE status <> 'COMPLETED'"),
                unfinished => unfinished == 0,
                DrainTimeout,
                $"drain {drain}: every workflow to complete");
            await TestContext.Out.WriteLineAsync($"{kind} drain {drain}: {WorkflowsPerDrain} workflows in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        var workflows = (long)Drains * WorkflowsPerDrain;
        var tasks = workflows * StepsPerWorkflow;
        var byWorker = await _store.CountAsync("SELECT COUNT(DISTINCT worker_id) FROM tasks");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await CountActionAsync(ActivityAction.TaskLeaseExpired), Is.Zero, "no lease expired");
            Assert.That(await CountActionAsync(ActivityAction.TaskReleased), Is.Zero, "no task was handed back");
            Assert.That(await _store.CountAsync("SELECT COUNT(*) FROM tasks"), Is.EqualTo(tasks), "one task per step");
            Assert.That(await _store.CountAsync("SELECT COUNT(*) FROM tasks WHERE status = 'COMPLETED' AND attempt = 1"), Is.EqualTo(tasks),
                "every task completed on its first attempt");
            Assert.That(await CountActionAsync(ActivityAction.TaskCompleted), Is.EqualTo(tasks), "each completion recorded once");
            Assert.That(await CountActionAsync(ActivityAction.TaskStarted), Is.EqualTo(tasks), "each task started once");
            Assert.That(byWorker, Is.EqualTo(2), "both workers ran tasks");
            Assert.That(TimeSpan.FromMicroseconds(await LongestWaitWithinAWorkflowAsync()), Is.LessThan(LongestStepWait),
                "no workflow waited long between two of its steps");
        }
    }

    private static Dictionary<string, string?> Settings(string workerId) => new()
    {
        ["Worker:WorkerId"] = workerId,
        ["Worker:LeaseDuration"] = "00:01:00",
        ["Worker:PollInterval"] = "00:00:00.050",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private async Task StartWorkflowsAsync(int drain, CancellationToken cancellationToken)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < WorkflowsPerDrain && !cancellationToken.IsCancellationRequested)
            {
                await _first.Client.StartAsync("OrderProcess", $$"""{"order_id": "stress-{{drain}}-{{next}}", "amount": 5}""");
            }
        }));
    }

    private Task<long> CountActionAsync(string action) =>
        _store.CountAsync("SELECT COUNT(*) FROM activity_logs WHERE action = @Action", new { Action = action });

    /// <summary>
    /// The longest time, in microseconds, between two consecutive activity rows of one workflow once it started: how long
    /// a started workflow waited between its steps. (Before its first step a new workflow queues behind the backlog,
    /// which is load, not a stranded task.)
    /// </summary>
    private Task<long> LongestWaitWithinAWorkflowAsync() => _store.CountAsync(kind == Store.MySql
        ? """
          SELECT COALESCE(MAX(TIMESTAMPDIFF(MICROSECOND, previous_at, created_at)), 0)
          FROM (SELECT created_at, LAG(created_at) OVER (PARTITION BY workflow_instance_id ORDER BY id) AS previous_at
                FROM activity_logs WHERE action <> 'WORKFLOW_CREATED') AS gaps
          """
        : """
          SELECT COALESCE(CAST(MAX((julianday(created_at) - julianday(previous_at)) * 86400000000) AS INTEGER), 0)
          FROM (SELECT created_at, LAG(created_at) OVER (PARTITION BY workflow_instance_id ORDER BY id) AS previous_at
                FROM activity_logs WHERE action <> 'WORKFLOW_CREATED') AS gaps
          """);
}
