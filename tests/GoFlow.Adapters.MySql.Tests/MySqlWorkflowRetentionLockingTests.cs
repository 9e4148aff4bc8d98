using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;
using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// The retention sweep never waits for a lock: it passes over a workflow another transaction holds, and over one whose
/// task another transaction holds (a cancel or a retry under way), leaving it for a later sweep. The storage contract
/// shows the outcome under concurrency; these show the mechanism, with a lock held on purpose. Waiting would take
/// innodb_lock_wait_timeout (50 s); each sweep here is cancelled after 10.
/// </summary>
internal sealed class MySqlWorkflowRetentionLockingTests : MySqlDatabaseFixture
{
    private static readonly DateTimeOffset FinishedAt = TestTimes.Start.AddMinutes(1);

    [Test]
    public async Task DeleteFinishedAsync_WorkflowRowLockedByAnotherTransaction_SkipsItWithoutWaiting()
    {
        var (locked, free) = await CreateTwoCancelledAsync();
        await using var otherTransaction = await LockAsync("SELECT id FROM workflow_instances WHERE id = @Id FOR UPDATE", locked);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var deleted = await Storage.Retention.DeleteFinishedAsync(FinishedAt.AddDays(1), 10, timeout.Token);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(1));
            Assert.That(await Storage.Repository.FindAsync(free, CancellationToken.None), Is.Null);
            Assert.That(await Storage.Repository.FindAsync(locked, CancellationToken.None), Is.Not.Null, "left to the transaction that holds it");
        }
    }

    [Test]
    public async Task DeleteFinishedAsync_TaskLockedByAnotherTransaction_LeavesItsWorkflowForALaterSweep()
    {
        var (locked, free) = await CreateTwoCancelledAsync();
        await using var otherTransaction = await LockAsync("SELECT id FROM tasks WHERE workflow_instance_id = @Id FOR UPDATE", locked);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var deletedWhileLocked = await Storage.Retention.DeleteFinishedAsync(FinishedAt.AddDays(1), 10, timeout.Token);
        var lockedDetails = await Storage.Repository.FindAsync(locked, CancellationToken.None);
        await otherTransaction.DisposeAsync(); // the cancel or retry that held the task is done
        var deletedLater = await Storage.Retention.DeleteFinishedAsync(FinishedAt.AddDays(1), 10, timeout.Token);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deletedWhileLocked, Is.EqualTo(1), "only the workflow it could lock whole");
            Assert.That(await Storage.Repository.FindAsync(free, CancellationToken.None), Is.Null);
            Assert.That(lockedDetails?.Tasks, Has.Count.EqualTo(1), "the held workflow kept every row");
            Assert.That(deletedLater, Is.EqualTo(1), "taken by the next sweep");
            Assert.That(await Storage.Repository.FindAsync(locked, CancellationToken.None), Is.Null);
        }
    }

    [Test]
    public async Task DeleteFinishedAsync_RowsBesideTheBatchsHeldByAnotherTransaction_DeletesTheBatchWithoutWaiting()
    {
        // Finished and unfinished workflows alternate, so that every row of the batch (workflow, tasks, activity,
        // signals) has a neighbour in each index that another transaction holds: a delete that read past the rows it
        // names would wait for it. More workflows than one statement names, so the batch is deleted in parts.
        const int Finished = MySqlRetentionSql.IdsPerStatement + 44;
        var finished = new List<WorkflowId>();
        var unfinished = new List<WorkflowId>();
        var created = new List<NewWorkflow>();
        for (var i = 0; i < 2 * Finished; i++)
        {
            var (workflow, firstTask) = new WorkflowBuilder().CreatedAt(TestTimes.Start.AddMilliseconds(i)).Build();
            created.Add(new NewWorkflow(workflow, firstTask));
            (i % 2 == 0 ? finished : unfinished).Add(workflow.Id);
        }

        await Storage.Repository.CreateManyAsync(created, CancellationToken.None);
        // Finished the quick way: a cancel each would take most of the test's time.
        var finishedIds = new { Ids = finished.Select(id => id.ToString()), At = FinishedAt.UtcDateTime };
        await Database.ExecuteAsync("UPDATE tasks SET status = 'CANCELLED', updated_at = @At WHERE workflow_instance_id IN @Ids", finishedIds);
        await Database.ExecuteAsync("UPDATE workflow_instances SET status = 'CANCELLED', updated_at = @At WHERE id IN @Ids", finishedIds);

        await Database.ExecuteAsync(
            "INSERT INTO workflow_signals (workflow_instance_id, name, payload, received_at) VALUES (@Id, 'approved', '{}', @At)",
            created.Select(workflow => new { Id = workflow.Workflow.Id.ToString(), At = TestTimes.Start }));
        // One workflow at a time (a list of them may be read as a scan of the whole index, which would lock the
        // finished ones' rows too) and read committed, so that the other transaction holds exactly the unfinished
        // workflows' rows and no neighbour of theirs.
        var connection = new MySqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted);
        await using var otherTransaction = new RowLock(connection, transaction);
        foreach (var workflow in unfinished)
        {
            await connection.QueryAsync(
                """
                SELECT id FROM tasks WHERE workflow_instance_id = @Id FOR UPDATE;
                SELECT id FROM activity_logs WHERE workflow_instance_id = @Id FOR UPDATE;
                SELECT name FROM workflow_signals WHERE workflow_instance_id = @Id FOR UPDATE;
                SELECT id FROM workflow_instances WHERE id = @Id FOR UPDATE;
                """,
                new { Id = workflow.ToString() },
                transaction);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var deleted = await Storage.Retention.DeleteFinishedAsync(FinishedAt.AddDays(1), 2 * Finished, timeout.Token);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(Finished));
            Assert.That(
                await Database.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM workflow_signals"), Is.EqualTo(Finished), "the unfinished ones' signals");
            Assert.That(
                await Database.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tasks"), Is.EqualTo(Finished), "the unfinished ones' tasks");
            Assert.That(
                await Database.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT workflow_instance_id) FROM activity_logs"), Is.EqualTo(Finished));
        }
    }

    private async Task<(WorkflowId Locked, WorkflowId Free)> CreateTwoCancelledAsync()
    {
        var locked = await new WorkflowBuilder().CreatedAt(TestTimes.Start).CreateAsync(Storage.Repository);
        var free = await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(1)).CreateAsync(Storage.Repository);
        await Storage.Repository.CancelAsync(locked.Id, FinishedAt, CancellationToken.None);
        await Storage.Repository.CancelAsync(free.Id, FinishedAt, CancellationToken.None);
        return (locked.Id, free.Id);
    }

    /// <summary>Opens a transaction on its own connection that holds the rows <paramref name="lockingRead"/> locks until disposed.</summary>
    private async Task<RowLock> LockAsync(string lockingRead, WorkflowId workflowId)
    {
        var connection = new MySqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var lockRows = new MySqlCommand(lockingRead, connection, transaction);
        lockRows.Parameters.AddWithValue("@Id", workflowId.ToString());
        await lockRows.ExecuteScalarAsync();
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
