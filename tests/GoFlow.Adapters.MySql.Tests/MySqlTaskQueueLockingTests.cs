using System.Data;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;
using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// SKIP LOCKED: a claim or a sweep passes over rows another transaction holds instead of waiting for them. The storage
/// contract shows the outcome under concurrency; these show the mechanism, with a lock held on purpose.
/// </summary>
internal sealed class MySqlTaskQueueLockingTests : MySqlDatabaseFixture
{
    [Test]
    public async Task ClaimAsync_OldestTaskLockedByAnotherTransaction_SkipsItWithoutWaiting()
    {
        var locked = await new WorkflowBuilder().CreatedAt(TestTimes.Start).CreateAsync(Storage.Repository);
        var free = await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(1)).CreateAsync(Storage.Repository);
        await using var otherTransaction = await LockTaskOfAsync(locked.Id.ToString());

        // Waiting for the lock would take innodb_lock_wait_timeout (50 s); SKIP LOCKED answers at once.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var claimed = await Storage.Queue.ClaimAsync(
            new ClaimBuilder().At(TestTimes.Start.AddSeconds(10)).Build(), timeout.Token);

        Assert.That(claimed.Select(task => task.WorkflowId), Is.EqualTo(new[] { free.Id }));
    }

    [Test]
    public async Task RecoverExpiredLeasesAsync_ExpiredTaskLockedByAnotherTransaction_SkipsItWithoutWaiting()
    {
        var builder = new WorkflowBuilder();
        var locked = await builder.CreatedAt(TestTimes.Start).CreateAsync(Storage.Repository);
        var free = await builder.CreatedAt(TestTimes.Start.AddSeconds(1)).CreateAsync(Storage.Repository);
        var claimed = await Storage.Queue.ClaimAsync(
            new ClaimBuilder().At(TestTimes.Start.AddSeconds(2)).Build(), CancellationToken.None);
        Assert.That(claimed, Has.Count.EqualTo(2));
        // The holder of the locked task is finishing it right now: its transaction holds the row.
        await using var otherTransaction = await LockTaskOfAsync(locked.Id.ToString());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var recovered = (await Storage.Queue.RecoverExpiredLeasesAsync(TestTimes.Start.AddHours(1), 10, timeout.Token)).TasksTakenBack;

        var freeTask = claimed.Single(task => task.WorkflowId == free.Id);
        var lockedTask = claimed.Single(task => task.WorkflowId == locked.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(recovered, Is.EqualTo(1));
            Assert.That(await Storage.ReadLeaseAsync(freeTask.Id), Is.Null, "taken back");
            Assert.That(await Storage.ReadLeaseAsync(lockedTask.Id), Is.Not.Null, "left to the transaction that holds it");
        }
    }

    [Test]
    public async Task RecoverExpiredLeasesAsync_AnotherSweepHoldsItsBatch_TakesBackTheRestWithoutWaiting()
    {
        // A sweep holds the batch it took until it commits, and nothing else: a sweep whose locking read sorted the
        // expired leases after locking them would hold all five, and leave the second sweep nothing (ADR 0029).
        var claimed = await ClaimExpiredAsync(5);
        var sweptAt = TestTimes.Start.AddHours(1);
        await using var connection = new MySqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var otherSweep = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        var heldByOther = await MySqlTaskQueue.LockExpiredLeasesAsync(otherSweep, MySqlTime.ToDatabase(sweptAt), 2, CancellationToken.None);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var recovered = (await Storage.Queue.RecoverExpiredLeasesAsync(sweptAt, 10, timeout.Token)).TasksTakenBack;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(heldByOther.Select(row => row.Id), Is.EqualTo(claimed.Take(2).Select(task => task.Id.Value)), "the earliest expiries first");
            Assert.That(recovered, Is.EqualTo(3), "every expired lease the other sweep does not hold");
            foreach (var task in claimed)
            {
                Assert.That(await Storage.ReadLeaseAsync(task.Id), heldByOther.Any(row => row.Id == task.Id.Value) ? Is.Not.Null : Is.Null);
            }
        }
    }

    [Test]
    public async Task RecoverExpiredLeasesAsync_EarliestExpiryHeldByAnotherTransaction_TakesTheNextOneInstead()
    {
        var claimed = await ClaimExpiredAsync(2);
        await using var otherTransaction = await LockTaskOfAsync(claimed[0].WorkflowId.ToString());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var recovered = (await Storage.Queue.RecoverExpiredLeasesAsync(TestTimes.Start.AddHours(1), 1, timeout.Token)).TasksTakenBack;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(recovered, Is.EqualTo(1), "a batch of one read past the held lease");
            Assert.That(await Storage.ReadLeaseAsync(claimed[1].Id), Is.Null, "taken back");
            Assert.That(await Storage.ReadLeaseAsync(claimed[0].Id), Is.Not.Null, "left to the transaction that holds it");
        }
    }

    [Test]
    public async Task LockStillExpiredAsync_RowsChangedSinceTheRead_LocksOnlyTheOneStillUnderTheExpiredClaim()
    {
        var claimed = await ClaimExpiredAsync(4);
        var sweptAt = TestTimes.Start.AddHours(1);
        var now = MySqlTime.ToDatabase(sweptAt);
        await using var connection = new MySqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var sweep = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        var candidates = await MySqlTaskQueue.ReadExpiredLeasesAsync(sweep, now, 10, readLast: null, CancellationToken.None);
        Assert.That(candidates, Has.Count.EqualTo(4));

        // Between the sweep's read and its lock: the first task's holder completes it, the second's renews its lease,
        // and the third is released and claimed by another worker, for the same attempt number, under a lease that
        // has also run out (a lease the read did not see, which a later sweep judges on its own).
        var afterRead = sweptAt.AddSeconds(-30);
        Assert.That(await Storage.Queue.CompleteAsync([new TaskCompletion(claimed[0], "{}", Advance: null)], afterRead, CancellationToken.None), Has.Count.EqualTo(1));
        Assert.That(await Storage.Queue.RenewLeasesAsync(
            new LeaseRenewal(claimed[1].LeaseOwner, [new TaskClaim(claimed[1].Id, claimed[1].Attempt)], sweptAt.AddMinutes(5), afterRead), CancellationToken.None),
            Has.Count.EqualTo(1));
        Assert.That(await Storage.Queue.ReleaseAsync(claimed[2], afterRead, CancellationToken.None), Is.True);
        var claimedAgain = await Storage.Queue.ClaimAsync(new ClaimBuilder().By("worker-b").At(afterRead).LeasedFor(TimeSpan.FromSeconds(1)).Build(), CancellationToken.None);
        Assert.That(claimedAgain.Select(task => (task.Id, task.Attempt)), Is.EqualTo(new[] { (claimed[2].Id, claimed[2].Attempt) }));

        var locked = await MySqlTaskQueue.LockStillExpiredAsync(sweep, now, candidates, CancellationToken.None);

        Assert.That(locked.Select(row => row.Id), Is.EqualTo(new[] { claimed[3].Id.Value }));
    }

    /// <summary>
    /// <paramref name="count"/> tasks claimed by "worker-a", whose leases ran out one second apart, the first claimed
    /// first, and all before <see cref="TestTimes.Start"/> plus an hour.
    /// </summary>
    private async Task<List<ClaimedTask>> ClaimExpiredAsync(int count)
    {
        var claimed = new List<ClaimedTask>();
        for (var i = 0; i < count; i++)
        {
            var workflow = await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(i)).CreateAsync(Storage.Repository);
            var claimedAt = TestTimes.Start.AddMinutes(1).AddSeconds(i);
            var batch = await Storage.Queue.ClaimAsync(new ClaimBuilder().UpTo(1).At(claimedAt).Build(), CancellationToken.None);
            Assert.That(batch.Select(task => task.WorkflowId), Is.EqualTo(new[] { workflow.Id }));
            claimed.Add(batch[0]);
        }

        return claimed;
    }

    /// <summary>Opens a transaction on its own connection that holds the row lock of the workflow's task until disposed.</summary>
    private async Task<RowLock> LockTaskOfAsync(string workflowId)
    {
        var connection = new MySqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var lockRow = new MySqlCommand(
            "SELECT id FROM tasks WHERE workflow_instance_id = @Id FOR UPDATE", connection, transaction);
        lockRow.Parameters.AddWithValue("@Id", workflowId);
        await lockRow.ExecuteScalarAsync();
        return new RowLock(connection, transaction);
    }

    private sealed class RowLock(MySqlConnection connection, MySqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
