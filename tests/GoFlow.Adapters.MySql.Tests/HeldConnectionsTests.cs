using System.Globalization;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// The connections the hot transactions keep between uses (ADR 0040), on the real server: kept as they are after a
/// transaction that ended cleanly, never after one that failed, found dead and replaced after the server ended them, and
/// closed when the adapter's services are disposed. A probe runs on a held connection the way the stores do, through
/// <see cref="HeldConnections.RunAsync{T}"/>, and reads the session it ran on.
/// </summary>
internal sealed class HeldConnectionsTests : MySqlDatabaseFixture
{
    private static readonly DateTimeOffset Now = TestTimes.Start.AddSeconds(1);

    /// <summary>
    /// Sets a session variable GoFlow never sets, to a value the pool's reset would put back to the server's default.
    /// </summary>
    private const string MarkTheSession = "SET SESSION group_concat_max_len = 4242;\n";

    /// <summary>The session's id, whether it is still marked (<see cref="MarkTheSession"/>), and the commits it ran.</summary>
    private const string SessionProbe = """
        SELECT CONCAT_WS(':', CONNECTION_ID(), IF(@@SESSION.group_concat_max_len = 4242, 'kept', 'cleared'),
            (SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_COMMIT'));
        """;

    /// <summary>The session's id, its transactions' isolation, and the SET statements it ran.</summary>
    private const string IsolationProbe = """
        SELECT CONCAT_WS(':', CONNECTION_ID(), @@SESSION.tx_isolation,
            (SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_SET_OPTION'));
        """;

    private MySqlDataSource _dataSource = null!;

    [SetUp]
    public void CreateDataSource() =>
        _dataSource = MySqlConnectionSettings.CreateDataSource(new MySqlOptions { ConnectionString = Database.ConnectionString });

    [TearDown]
    public async Task DisposeDataSource() => await _dataSource.DisposeAsync();

    [Test]
    public async Task HotTransactions_OneAfterAnother_RunOnTheSameSessionWithoutItBeingReset()
    {
        await using var held = new HeldConnections(_dataSource, new MySqlOptions());
        var before = await ProbeAsync(held, MarkTheSession + SessionProbe);

        await StartClaimAndCompleteAsync(held);
        var after = await ProbeAsync(held, SessionProbe);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(after.Id, Is.EqualTo(before.Id), "the same session");
            Assert.That(after.Probe, Is.EqualTo("kept"), "no reset put the session's variable back");
            Assert.That(after.Counted - before.Counted, Is.EqualTo(3), "the start, the claim and the completion committed on it");
        }
    }

    [Test]
    public async Task HotTransactions_OnAHeldSession_RunReadCommittedWithNoSetStatementEach()
    {
        await using var held = new HeldConnections(_dataSource, new MySqlOptions());
        var before = await ProbeAsync(held, IsolationProbe);

        await StartClaimAndCompleteAsync(held);
        var after = await ProbeAsync(held, IsolationProbe);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(after.Id, Is.EqualTo(before.Id), "the same session");
            Assert.That(after.Probe, Is.EqualTo("READ-COMMITTED"), "the session's isolation, which its transactions take");
            Assert.That(after.Counted - before.Counted, Is.Zero, "SET statements sent by the start, the claim and the completion");
        }
    }

    [Test]
    public async Task DisposeAsync_AHeldSessionHandedBack_ThePoolsNextUserHasTheServersDefaultIsolation()
    {
        // One connection kept at most, and the pool hands the one it took back to the next user.
        var options = new MySqlOptions { ConnectionString = Database.ConnectionString, MaxOpenConnections = 2 };
        await using var pool = MySqlConnectionSettings.CreateDataSource(options);
        long heldSession;
        await using (var held = new HeldConnections(pool, options))
        {
            heldSession = (await ProbeAsync(held, IsolationProbe)).Id;
        }

        await using var next = await pool.OpenConnectionAsync();
        await using var command = new MySqlCommand(IsolationProbe, next);
        var answer = Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!.Split(':');

        using (Assert.EnterMultipleScope())
        {
            Assert.That(long.Parse(answer[0], CultureInfo.InvariantCulture), Is.EqualTo(heldSession), "the test's own setup: the same session");
            Assert.That(answer[1], Is.EqualTo("REPEATABLE-READ"), "the pool's reset put the server's default back");
        }
    }

    [Test]
    public async Task CreateManyAsync_GroupFailsMidTransaction_ItsConnectionIsNotKeptAndTheNextGroupMeetsNoTransaction()
    {
        await using var held = new HeldConnections(_dataSource, new MySqlOptions());
        var repository = new MySqlWorkflowRepository(_dataSource, held);
        await ProbeAsync(held, MarkTheSession + SessionProbe);
        await new WorkflowBuilder().CreateAsync(repository);
        var keptAfterASuccess = await ProbeAsync(held, SessionProbe);

        // The workflow row is inserted, then the task's refused (its input is not JSON), inside the group's transaction.
        var builder = new WorkflowBuilder();
        var (workflow, _) = builder.Build();
        var brokenTask = WorkflowTask.Create(workflow.Id, builder.Definition.FirstStep, "not json", TestTimes.Start);
        Assert.That(
            async () => await repository.CreateManyAsync([new NewWorkflow(workflow, brokenTask)], CancellationToken.None),
            Throws.InstanceOf<MySqlException>());
        var next = await new WorkflowBuilder().CreateAsync(repository);
        var afterTheFailure = await ProbeAsync(held, SessionProbe);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(keptAfterASuccess.Probe, Is.EqualTo("kept"), "a connection is kept after a transaction that committed");
            Assert.That(afterTheFailure.Probe, Is.EqualTo("cleared"), "the failed group's session went back to the pool, reset");
            Assert.That(await Storage.Repository.FindAsync(workflow.Id, CancellationToken.None), Is.Null,
                "the failed group's workflow row: no later begin committed it");
            Assert.That(await Storage.Repository.FindAsync(next.Id, CancellationToken.None), Is.Not.Null, "the next group");
        }
    }

    [Test]
    public async Task ClaimAsync_HeldSessionsKilledWhileIdle_OneOperationFailsAsUnavailableAndTheNextOnesRecover()
    {
        // Never pinged: the killed sessions are met by the operations themselves.
        await using var held = new HeldConnections(_dataSource, new MySqlOptions(), idleBeforePing: TimeSpan.MaxValue);
        var queue = new MySqlTaskQueue(_dataSource, held);
        var killed = await HoldSessionsAsync(held, count: 3);
        await KillAsync(killed);

        var first = Assert.ThrowsAsync<StoreUnavailableException>(
            async () => await queue.ClaimAsync(new ClaimBuilder().Build(), CancellationToken.None));
        var afterwards = await queue.ClaimAsync(new ClaimBuilder().Build(), CancellationToken.None);
        var session = await ProbeAsync(held, SessionProbe);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first!.InnerException, Is.InstanceOf<MySqlException>());
            Assert.That(afterwards, Is.Empty, "the next claim runs: the other killed sessions were dropped with the first");
            Assert.That(killed, Does.Not.Contain(session.Id), "a live session serves the next operations");
        }
    }

    [Test]
    public async Task ClaimAsync_HeldSessionsKilledAndIdleLongerThanThePingThreshold_ReplacedWithoutAFailure()
    {
        await using var held = new HeldConnections(_dataSource, new MySqlOptions(), idleBeforePing: TimeSpan.Zero);
        var queue = new MySqlTaskQueue(_dataSource, held);
        var killed = await HoldSessionsAsync(held, count: 3);
        await KillAsync(killed);

        var claims = new List<IReadOnlyList<ClaimedTask>>();
        for (var i = 0; i < killed.Count; i++)
        {
            claims.Add(await queue.ClaimAsync(new ClaimBuilder().Build(), CancellationToken.None));
        }

        Assert.That(claims, Has.All.Empty, "every claim ran");
        Assert.That(killed, Does.Not.Contain((await ProbeAsync(held, SessionProbe)).Id));
    }

    [Test]
    public async Task RunAsync_MoreAtOnceThanTheBound_KeepsNoMoreThanHalfOfMaxOpenConnections()
    {
        await using var held = new HeldConnections(_dataSource, new MySqlOptions { MaxOpenConnections = 4 });
        await ProbeAtOnceAsync(held, count: 3, MarkTheSession + SessionProbe);

        var next = await ProbeAtOnceAsync(held, count: 3, SessionProbe);

        Assert.That(next.Count(session => session.Probe == "kept"), Is.EqualTo(2), "two came from the set, one from the pool, reset");
    }

    [Test]
    public async Task DisposeAsync_TheAdaptersServices_ClosesEveryHeldSession()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["MySql:ConnectionString"] = Database.ConnectionString })
            .Build());
        services.AddGoFlowMySql();
        HeldConnections held;
        List<long> sessions;
        await using (var provider = services.BuildServiceProvider())
        {
            held = provider.GetRequiredService<HeldConnections>();
            sessions = await HoldSessionsAsync(held, count: 3);
            Assert.That(await OpenAsync(sessions), Is.EquivalentTo(sessions), "the test's own setup: the sessions are held open");
        }

        // Closed by the disposal, not by the driver recovering a connection the collector took: the set is still
        // referenced, and the wait is shorter than the driver's recovery of leaked sessions.
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(10);
        while ((await OpenAsync(sessions)).Count > 0)
        {
            Assert.That(TimeProvider.System.GetUtcNow(), Is.LessThan(deadline), "the held sessions are still open 10 s after the disposal");
            await Task.Delay(20);
        }

        GC.KeepAlive(held);
    }

    /// <summary>The three hot transactions, one after another, on <paramref name="held"/>: a start, its claim, its completion.</summary>
    private async Task StartClaimAndCompleteAsync(HeldConnections held)
    {
        var queue = new MySqlTaskQueue(_dataSource, held);
        await new WorkflowBuilder().Named("Single").WithTasks("Only").CreateAsync(new MySqlWorkflowRepository(_dataSource, held));
        var claimed = await queue.ClaimAsync(new ClaimBuilder().Build(), CancellationToken.None);
        await queue.CompleteAsync([new TaskCompletion(claimed[0], "{}", Advance: null)], Now, CancellationToken.None);
    }

    /// <summary>
    /// Runs <paramref name="statements"/> (ending with <see cref="SessionProbe"/>) in a transaction on a held connection,
    /// then <paramref name="beforeTheEnd"/>, then rolls back.
    /// </summary>
    private static Task<Session> ProbeAsync(HeldConnections held, string statements, Func<Task>? beforeTheEnd = null) =>
        held.RunAsync(
            async transaction =>
            {
                await using var command = new MySqlCommand(InlineTransaction.Begin(statements), transaction.Connection);
                transaction.Begun();
                var answer = Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!.Split(':');
                if (beforeTheEnd is not null)
                {
                    await beforeTheEnd();
                }

                await transaction.RollbackAsync(CancellationToken.None);
                return new Session(long.Parse(answer[0], CultureInfo.InvariantCulture), answer[1], long.Parse(answer[2], CultureInfo.InvariantCulture));
            },
            CancellationToken.None);

    /// <summary>Makes <paramref name="held"/> keep <paramref name="count"/> sessions: as many probes at once, all ended cleanly.</summary>
    private static async Task<List<long>> HoldSessionsAsync(HeldConnections held, int count) =>
        [.. (await ProbeAtOnceAsync(held, count, SessionProbe)).Select(session => session.Id)];

    /// <summary><see cref="ProbeAsync"/> <paramref name="count"/> times at once: each holds its connection until all run.</summary>
    private static async Task<Session[]> ProbeAtOnceAsync(HeldConnections held, int count, string statements)
    {
        var allRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        return await Task.WhenAll(Enumerable.Range(0, count).Select(_ => ProbeAsync(held, statements, async () =>
        {
            if (Interlocked.Increment(ref running) == count)
            {
                allRunning.SetResult();
            }

            await allRunning.Task;
        })));
    }

    /// <summary>Kills <paramref name="sessions"/> from a session of its own, and waits until the server has ended them.</summary>
    private async Task KillAsync(IReadOnlyList<long> sessions)
    {
        foreach (var session in sessions)
        {
            await Database.ExecuteAsync($"KILL CONNECTION {session}");
        }

        // A kill ends its session shortly after it answers; bounded, so that a session that never ends fails the test.
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(10);
        while ((await OpenAsync(sessions)).Count > 0)
        {
            Assert.That(TimeProvider.System.GetUtcNow(), Is.LessThan(deadline), "the killed sessions are still listed after 10 s");
            await Task.Delay(20);
        }
    }

    /// <summary>Which of <paramref name="sessions"/> the server still lists.</summary>
    private async Task<IReadOnlyList<long>> OpenAsync(IReadOnlyList<long> sessions) =>
        await Database.QueryAsync<long>(
            "SELECT ID FROM information_schema.PROCESSLIST WHERE ID IN @Sessions", new { Sessions = sessions });

    /// <summary>What a probe read: the session, its marker or isolation, and the count it reads (commits or SETs).</summary>
    private sealed record Session(long Id, string Probe, long Counted);
}
