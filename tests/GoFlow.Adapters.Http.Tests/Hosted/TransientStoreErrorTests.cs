using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// The guarantee of ADR 0007 (a live worker never leaves a task to the lease sweep) with a fault put in on purpose,
/// through the real host and worker, on each store: while no process dies, no lease expires. A transient conflict on a
/// group commit (MySQL: the server answers 1213, deadlock; SQLite: another connection holds the file's write lock past
/// the busy timeout) is run again by the store, and a commit whose acknowledgement is lost is recognised by its retry;
/// either way the workflows finish promptly, every task on its first attempt, with no TASK_LEASE_EXPIRED. The lease is
/// a minute, far beyond the tests' wait, so a task left to the lease sweep fails them.
/// </summary>
[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
[NonParallelizable]
public sealed class TransientStoreErrorTests(Store kind)
{
    private const string WorkerId = "issue-11-worker";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly FaultyTaskQueue.Script _script = new();
    private TestStore _store = null!;
    private TestHost _host = null!;
    private MeterListener _listener = null!;
    private long _retries;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == TransientConflictRetry.MeterName && instrument.Name == TransientConflictRetry.RetriesInstrument)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _retries, value));
        _listener.Start();

        _store = await TestStore.CreateAsync(kind);
        _host = await TestHost.StartAsync(
            _store,
            TestHost.ApiAndWorker,
            new Dictionary<string, string?>
            {
                ["Worker:WorkerId"] = WorkerId,
                ["Worker:LeaseDuration"] = "00:01:00",
                ["Worker:PollInterval"] = "00:00:00.050",
                ["Sqlite:BusyTimeout"] = "00:00:00.200",
            },
            services => FaultyTaskQueue.Decorate(services, _script));
        if (kind == Store.MySql)
        {
            await InstallDeadlockTriggerAsync("test_faults", ActivityAction.TaskCompleted);
            await InstallDeadlockTriggerAsync("test_start_faults", ActivityAction.WorkflowCreated);
        }
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _host.DisposeAsync();
        await _store.DisposeAsync();
        _listener.Dispose();
    }

    [Test]
    public async Task Worker_GroupCommitMeetsATransientConflict_RetriedAndEveryTaskCompletesOnItsFirstAttempt()
    {
        var retriesBefore = Interlocked.Read(ref _retries);
        _script.InjectConflict = kind == Store.MySql ? DeadlockTwiceAsync : HoldWriteLockPastBusyTimeoutAsync;
        _script.ConflictOnCall = Volatile.Read(ref _script.Calls) + 2;

        var ids = await StartWorkflowsAsync("conflict", 5);

        await AssertAllCompletedOnFirstAttemptAsync(ids);
        Assert.That(Interlocked.Read(ref _retries), Is.GreaterThan(retriesBefore), "the store ran the transaction again");
    }

    [Test]
    public async Task Worker_CommitsButItsAcknowledgementIsLost_RetryRecognisesItAndTheHandedOverStepRunsAtOnce()
    {
        var lostBefore = Volatile.Read(ref _script.AcknowledgementsLost);
        // Started alone, so that the next completion call is this workflow's first step, whose commit hands over the second.
        _script.LoseAcknowledgementOfCall = Volatile.Read(ref _script.Calls) + 1;

        var ids = await StartWorkflowsAsync("lost-ack", 1);

        await AssertAllCompletedOnFirstAttemptAsync(ids);
        Assert.That(Volatile.Read(ref _script.AcknowledgementsLost), Is.EqualTo(lostBefore + 1), "the fault was put in");
    }

    [Test]
    public async Task GetWorkflow_FinishedWorkflow_ShowsTheWorkerOfEachTaskAndTaskStartedNamesIt()
    {
        var ids = await StartWorkflowsAsync("worker-id", 1);
        var workflow = await _host.Client.WaitForStatusAsync(ids[0], StatusNames.Completed, Timeout);

        var started = await _store.CountAsync(
            "SELECT COUNT(*) FROM activity_logs WHERE action = 'TASK_STARTED' AND details LIKE @Pattern",
            new { Pattern = $"%\"worker_id\":\"{WorkerId}\"%" });
        var tasks = workflow["tasks"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(tasks.Select(task => task!["worker_id"]?.GetValue<string>()), Is.EqualTo(new[] { WorkerId, WorkerId, WorkerId }));
            Assert.That(started, Is.GreaterThanOrEqualTo(3), "each TASK_STARTED row names the worker");
        }
    }

    [Test]
    public async Task PostWorkflows_StoreMeetsAShortConflict_RetriedInsideTheRequestAndAnswers201()
    {
        var retriesBefore = Interlocked.Read(ref _retries);

        using var response = await WithConflictOnStartAsync(persisting: false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
            Assert.That(Interlocked.Read(ref _retries), Is.GreaterThan(retriesBefore), "the store ran the start's transaction again");
        }
    }

    [Test]
    public async Task PostWorkflows_ConflictOutlastsTheRetries_Answers503WithRetryAfterAndStoresNothing()
    {
        var workflowsBefore = await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances");

        using var response = await WithConflictOnStartAsync(persisting: true);

        await Support.HttpJson.ReadProblemAsync(response, 503);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Headers.RetryAfter, Is.Not.Null, "a client is told when to try again");
            Assert.That(await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances"), Is.EqualTo(workflowsBefore));
        }
    }

    /// <summary>
    /// POSTs a start while the store meets a conflict: once (MySQL: error 1213 on the first run of the transaction;
    /// SQLite: the write lock held until the store has tried again), or through every run of the store's retry.
    /// </summary>
    private async Task<HttpResponseMessage> WithConflictOnStartAsync(bool persisting)
    {
        var body = Support.HttpJson.Body("""{"workflow_name": "OrderProcess", "input_payload": {"order_id": "api-conflict", "amount": 5}}""");
        if (kind == Store.MySql)
        {
            await _store.ExecuteAsync($"UPDATE test_start_faults SET remaining = {(persisting ? TransientConflictRetry.MaxAttempts : 1)}");
            return await _host.Client.PostAsync("/workflows", body);
        }

        var retriesBefore = Interlocked.Read(ref _retries);
        await using var holder = await _store.HoldWriteLockAsync();
        var posting = _host.Client.PostAsync("/workflows", body);
        if (!persisting)
        {
            await Poll.UntilAsync(
                () => Task.FromResult(Interlocked.Read(ref _retries)),
                retries => retries > retriesBefore || posting.IsCompleted,
                Timeout,
                "the store to meet the held lock and run the start's transaction again");
            await holder.DisposeAsync();
        }

        return await posting;
    }

    private async Task<List<string>> StartWorkflowsAsync(string prefix, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await _host.Client.StartAsync("OrderProcess", $$"""{"order_id": "{{prefix}}-{{i}}", "amount": 5}""")).Id());
        }

        return ids;
    }

    private async Task AssertAllCompletedOnFirstAttemptAsync(IReadOnlyList<string> ids)
    {
        var workflows = new List<JsonObject>();
        foreach (var id in ids)
        {
            workflows.Add(await _host.Client.WaitForStatusAsync(id, StatusNames.Completed, Timeout));
        }

        var expired = await _store.CountAsync("SELECT COUNT(*) FROM activity_logs WHERE action = 'TASK_LEASE_EXPIRED'");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(expired, Is.Zero, "no lease expired");
            Assert.That(workflows.SelectMany(workflow => workflow["tasks"]!.AsArray()).Select(task => task!["attempt"]!.GetValue<int>()),
                Is.All.EqualTo(1), "no attempt used up");
        }
    }

    // MySQL: the server itself answers a transaction with error 1213 when it writes an activity row of
    // `action`, as many times as the table `faults` is armed, from a trigger that counts in that
    // non-transactional table. The group commit's is armed twice in a row, so that a single write of the group, tried
    // again alone, meets it too; a start's WORKFLOW_CREATED row as often as the test arms it.
    private async Task InstallDeadlockTriggerAsync(string faults, string action)
    {
        await _store.ExecuteAsync($"CREATE TABLE {faults} (remaining INT NOT NULL) ENGINE=Aria");
        await _store.ExecuteAsync($"INSERT INTO {faults} VALUES (0)");
        await _store.ExecuteAsync($"""
            CREATE TRIGGER {faults}_deadlock BEFORE INSERT ON activity_logs FOR EACH ROW
            BEGIN
                IF NEW.action = '{action}' THEN
                    UPDATE {faults} SET remaining = remaining - 1 WHERE remaining > 0;
                    IF ROW_COUNT() > 0 THEN
                        SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213,
                            MESSAGE_TEXT = 'Deadlock found when trying to get lock; try restarting transaction (injected)';
                    END IF;
                END IF;
            END
            """);
    }

    private async Task<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>> DeadlockTwiceAsync(Func<Task<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>>> write)
    {
        await _store.ExecuteAsync("UPDATE test_faults SET remaining = 2");
        return await write();
    }

    // SQLite: another connection holds the file's write lock until the store has given up on it once and run the
    // transaction again.
    private async Task<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>> HoldWriteLockPastBusyTimeoutAsync(
        Func<Task<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>>> write)
    {
        var retriesBefore = Interlocked.Read(ref _retries);
        Task<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>> writing;
        await using (var holder = await _store.HoldWriteLockAsync())
        {
            writing = write();
            await Poll.UntilAsync(
                () => Task.FromResult(Interlocked.Read(ref _retries)),
                retries => retries > retriesBefore || writing.IsCompleted,
                Timeout,
                "the store to meet the held lock and run its transaction again");
        }

        return await writing;
    }
}
