using GoFlow.Adapters.Sqlite.Tests.Support;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;
using Microsoft.Data.Sqlite;

namespace GoFlow.Adapters.Sqlite.Tests;

/// <summary>
/// SQLite's write lock as the adapter uses it: BEGIN IMMEDIATE keeps claimers on separate connections apart, a writer
/// waits for the lock up to the busy timeout, and past it the store reports itself unavailable.
/// </summary>
internal sealed class SqliteLockingTests : SqliteFileFixture
{
    private const int ClaimerCount = 8;
    private const int TasksPerClaimer = 25;

    protected override TimeSpan BusyTimeout => TimeSpan.FromMilliseconds(300);

    [Test]
    [CancelAfter(60_000)]
    public async Task ClaimAsync_ClaimersOnSeparateConnectionsAndInstances_EachTakeTheirOwnTasks(CancellationToken cancellationToken)
    {
        for (var i = 0; i < ClaimerCount * TasksPerClaimer; i++)
        {
            await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddMilliseconds(i)).CreateAsync(Repository);
        }

        // One adapter instance per claimer, as separate processes would have: nothing in this process orders them,
        // only SQLite's lock. Another connection holds the lock while they start, so that every claim is under way,
        // waiting, when it is freed: they then meet in the same moment.
        var queues = Enumerable.Range(0, ClaimerCount)
            .Select(_ => new SqliteTaskQueue(new SqliteDatabase(File.Options(TimeSpan.FromSeconds(10)))))
            .ToList();
        await using var other = File.Connect();
        var held = other.BeginTransaction(deferred: false);
        var claimers = queues
            .Select((queue, index) => Task.Run(
                () => queue.ClaimAsync(
                    new ClaimBuilder().By($"worker-{index}").UpTo(TasksPerClaimer).At(TestTimes.Start.AddMinutes(1)).Build(),
                    cancellationToken),
                cancellationToken))
            .ToArray();
        // The lock is held for half a second, time for every claimer to reach it: a claim waiting inside SQLite shows
        // nothing to poll for, so the hold is a length of time rather than a condition.
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        var finishedWhileLocked = claimers.Count(claimer => claimer.IsCompleted);
        await held.CommitAsync(cancellationToken);
        await held.DisposeAsync();
        var claimedByWorker = await Task.WhenAll(claimers);

        var all = claimedByWorker.SelectMany(claimed => claimed).ToList();
        var stored = await File.QueryAsync<(long Id, string Status, long Attempt, string LeaseOwner)>(
            "SELECT id, status, attempt, lease_owner FROM tasks ORDER BY id");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(finishedWhileLocked, Is.Zero, "no claim got past the lock another connection held");
            Assert.That(claimedByWorker.Select(claimed => claimed.Count), Is.All.EqualTo(TasksPerClaimer),
                "each claimer waited for the lock and then took the next tasks");
            Assert.That(all.Select(task => task.Id).Distinct().Count(), Is.EqualTo(ClaimerCount * TasksPerClaimer),
                "no task was claimed twice");
            Assert.That(stored.Select(row => row.Status), Is.All.EqualTo("RUNNING"));
            Assert.That(stored.Select(row => row.Attempt), Is.All.EqualTo(1));
            Assert.That(
                stored.ToDictionary(row => row.Id, row => row.LeaseOwner),
                Is.EquivalentTo(all.ToDictionary(task => task.Id.Value, task => task.LeaseOwner)),
                "each task is held by the claimer it was returned to");
            Assert.That(await File.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM activity_logs WHERE action = 'TASK_STARTED'"),
                Is.EqualTo(ClaimerCount * TasksPerClaimer));
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ClaimAsync_AnotherWriterOfThisProcessHoldsOnPastTheBusyTimeout_ThrowsStoreUnavailable(
        CancellationToken cancellationToken)
    {
        // This process's writers queue before they ask SQLite for its lock; the queue's wait is bounded the same way.
        await new WorkflowBuilder().CreateAsync(Repository);
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowWriter = Database.WriteAsync(
            async (_, transaction) =>
            {
                writing.SetResult();
                await finish.Task.WaitAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return true;
            },
            cancellationToken);
        await writing.Task.WaitAsync(cancellationToken);

        var thrown = Assert.ThrowsAsync<StoreUnavailableException>(
            async () => await Queue.ClaimAsync(new ClaimBuilder().Build(), cancellationToken));

        Assert.That(thrown!.Message, Does.Contain("other writers of this process").And.Contain(File.Path));
        finish.SetResult();
        await slowWriter;
        Assert.That(await Queue.ClaimAsync(new ClaimBuilder().Build(), cancellationToken), Has.Count.EqualTo(1),
            "nothing was claimed while the other writer held on, and the store works again once it is done");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ClaimAsync_WriteLockHeldLongerThanTheBusyTimeout_ThrowsStoreUnavailable(CancellationToken cancellationToken)
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        await using var other = File.Connect();
        await using var held = other.BeginTransaction(deferred: false);

        var thrown = Assert.ThrowsAsync<StoreUnavailableException>(
            async () => await Queue.ClaimAsync(new ClaimBuilder().Build(), cancellationToken));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(thrown!.Message, Does.Contain(File.Path));
            Assert.That(thrown.InnerException, Is.InstanceOf<SqliteException>()
                .With.Property(nameof(SqliteException.SqliteErrorCode)).EqualTo(SQLitePCL.raw.SQLITE_BUSY));
        }

        await held.RollbackAsync(cancellationToken);
        Assert.That(await Queue.ClaimAsync(new ClaimBuilder().Build(), cancellationToken), Has.Count.EqualTo(1),
            "nothing was claimed while the lock was held, and the store works again once it is free");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ClaimAsync_WriteLockHeldThroughEveryRun_EachRunWaitsTheBusyTimeoutNotAWholeSecond(
        CancellationToken cancellationToken)
    {
        // A run that waited for the lock longer than the busy timeout would outlast every run of a writer queued behind
        // it (each waits the busy timeout for the queue), which then failed while the lock was about to be freed.
        // Microsoft.Data.Sqlite's own retry of a busy BEGIN lasts its command timeout, a whole second at least, so five
        // such runs take five seconds.
        await new WorkflowBuilder().CreateAsync(Repository);
        await using var other = File.Connect();
        await using var held = other.BeginTransaction(deferred: false);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.ThrowsAsync<StoreUnavailableException>(
            async () => await Queue.ClaimAsync(new ClaimBuilder().Build(), cancellationToken));

        Assert.That(
            clock.Elapsed,
            Is.LessThan(TimeSpan.FromSeconds(TransientConflictRetry.MaxAttempts)),
            $"{TransientConflictRetry.MaxAttempts} runs of {BusyTimeout.TotalMilliseconds} ms each, with their backoffs");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ClaimAsync_WriteLockFreedWithinTheBusyTimeout_WaitsAndClaims(CancellationToken cancellationToken)
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        await using var other = File.Connect();
        var held = other.BeginTransaction(deferred: false);

        var claim = Task.Run(() => Queue.ClaimAsync(new ClaimBuilder().Build(), cancellationToken), cancellationToken);
        // The other writer keeps the lock for a while; the claim cannot finish meanwhile, it can only wait or fail.
        await Task.Delay(BusyTimeout / 2, cancellationToken);
        var finishedWhileLocked = claim.IsCompleted;
        await held.CommitAsync(cancellationToken);
        await held.DisposeAsync();

        var claimed = await claim;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(finishedWhileLocked, Is.False, "the claim waited for the lock");
            Assert.That(claimed, Has.Count.EqualTo(1));
        }
    }

    [Test]
    public void CreateAsync_FileDeletedUnderTheStore_ThrowsStoreUnavailable()
    {
        SqliteConnection.ClearAllPools();
        System.IO.File.Delete(File.Path);
        System.IO.File.Delete(File.Path + "-wal");
        System.IO.File.Delete(File.Path + "-shm");

        var (workflow, firstTask) = new WorkflowBuilder().Build();

        Assert.That(
            async () => await Repository.CreateManyAsync([new NewWorkflow(workflow, firstTask)], CancellationToken.None),
            Throws.InstanceOf<StoreUnavailableException>());
        Assert.That(System.IO.File.Exists(File.Path), Is.False, "the store does not create an empty file in its place");
    }
}
