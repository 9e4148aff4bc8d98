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
