using GoFlow.Adapters.MySql.Tests.Builders;
using GoFlow.Domain;
using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

internal sealed class MySqlTaskQueueClaimTests : MySqlDatabaseFixture
{
    [Test]
    public async Task ClaimAsync_PendingTask_HoldsItRunningWithLeaseAndFirstAttempt()
    {
        var workflow = await new WorkflowBuilder().WithInput("""{"order_id":"A-1"}""").CreateAsync(Repository);
        var claim = new ClaimBuilder().By("worker-a").Build();

        var claimed = await Queue.ClaimAsync(claim, CancellationToken.None);

        Assert.That(claimed, Has.Count.EqualTo(1));
        var task = claimed[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.WorkflowId, Is.EqualTo(workflow.Id));
            Assert.That(task.WorkflowName, Is.EqualTo("OrderProcess"));
            Assert.That(task.StepIndex, Is.Zero);
            Assert.That(task.TaskName, Is.EqualTo("ValidateOrder"));
            Assert.That(SameJson("""{"order_id":"A-1"}""", task.InputPayload), Is.True);
            Assert.That(task.Attempt, Is.EqualTo(1));
            Assert.That(task.LeaseOwner, Is.EqualTo("worker-a"));
            Assert.That(task.LeaseExpiresAt, Is.EqualTo(claim.LeaseExpiresAt));
        }

        var stored = await Database.QueryAsync<(string Status, int Attempt, string LeaseOwner, DateTime LeaseExpiresAt)>(
            "SELECT status, attempt, lease_owner, lease_expires_at FROM tasks WHERE id = @Id", new { Id = task.Id.Value });
        var found = (await Repository.FindAsync(workflow.Id, CancellationToken.None))!;
        var activity = (await Repository.GetActivityAsync(workflow.Id, CancellationToken.None))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored[0].Status, Is.EqualTo(StatusNames.Running));
            Assert.That(stored[0].Attempt, Is.EqualTo(1));
            Assert.That(stored[0].LeaseOwner, Is.EqualTo("worker-a"));
            Assert.That(stored[0].LeaseExpiresAt, Is.EqualTo(claim.LeaseExpiresAt.UtcDateTime));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(claim.Now));
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Running));
            Assert.That(activity.Select(entry => entry.Action),
                Is.EqualTo(new[] { ActivityAction.WorkflowCreated, ActivityAction.TaskStarted }));
            Assert.That(activity[1].TaskId, Is.EqualTo(task.Id));
            Assert.That(SameJson(ActivityDetails.ForTask("ValidateOrder", 1), activity[1].Details!), Is.True, activity[1].Details);
            Assert.That(activity[1].CreatedAt, Is.EqualTo(claim.Now));
        }
    }

    [Test]
    public async Task ClaimAsync_MoreDueTasksThanMax_ClaimsMaxOldestFirst()
    {
        // Created newest first, so the order by id differs from the order by schedule.
        var newest = await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(2)).CreateAsync(Repository);
        var middle = await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(1)).CreateAsync(Repository);
        var oldest = await new WorkflowBuilder().CreatedAt(TestTimes.Start).CreateAsync(Repository);

        var claimed = await Queue.ClaimAsync(
            new ClaimBuilder().UpTo(2).At(TestTimes.Start.AddSeconds(10)).Build(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(claimed.Select(task => task.WorkflowId), Is.EqualTo(new[] { oldest.Id, middle.Id }));
            Assert.That((await Repository.FindAsync(newest.Id, CancellationToken.None))!.Tasks[0].Status,
                Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That((await Repository.FindAsync(newest.Id, CancellationToken.None))!.Workflow.Status,
                Is.EqualTo(WorkflowStatus.Pending));
        }
    }

    [Test]
    public async Task ClaimAsync_TaskScheduledLater_IsClaimedOnlyOnceDue()
    {
        var later = TestTimes.Start.AddHours(1);
        var workflow = await new WorkflowBuilder().CreatedAt(later).CreateAsync(Repository);

        var early = await Queue.ClaimAsync(new ClaimBuilder().At(later.AddTicks(-10)).Build(), CancellationToken.None);
        var due = await Queue.ClaimAsync(new ClaimBuilder().At(later).Build(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(early, Is.Empty);
            Assert.That(due.Select(task => task.WorkflowId), Is.EqualTo(new[] { workflow.Id }));
        }
    }

    [Test]
    public async Task ClaimAsync_TaskAlreadyClaimed_IsNotClaimedAgain()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var first = await Queue.ClaimAsync(new ClaimBuilder().By("worker-a").Build(), CancellationToken.None);

        var second = await Queue.ClaimAsync(new ClaimBuilder().By("worker-b").Build(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Has.Count.EqualTo(1));
            Assert.That(second, Is.Empty);
            Assert.That(await Database.ExecuteScalarAsync<string>("SELECT lease_owner FROM tasks"), Is.EqualTo("worker-a"));
        }
    }

    [Test]
    public async Task ClaimAsync_OldestTaskLockedByAnotherTransaction_SkipsItWithoutWaiting()
    {
        var locked = await new WorkflowBuilder().CreatedAt(TestTimes.Start).CreateAsync(Repository);
        var free = await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(1)).CreateAsync(Repository);

        // Another claimer's transaction, still open, holds the oldest task's row.
        await using var other = new MySqlConnection(Database.ConnectionString);
        await other.OpenAsync();
        await using var otherTransaction = await other.BeginTransactionAsync();
        await using (var lockRow = new MySqlCommand(
            "SELECT id FROM tasks WHERE workflow_instance_id = @Id FOR UPDATE", other, otherTransaction))
        {
            lockRow.Parameters.AddWithValue("@Id", locked.Id.ToString());
            await lockRow.ExecuteScalarAsync();
        }

        // Waiting for the lock would take innodb_lock_wait_timeout (50 s); SKIP LOCKED answers at once.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var claimed = await Queue.ClaimAsync(
            new ClaimBuilder().At(TestTimes.Start.AddSeconds(10)).Build(), timeout.Token);

        Assert.That(claimed.Select(task => task.WorkflowId), Is.EqualTo(new[] { free.Id }));
    }

    [Test]
    public async Task ClaimAsync_NothingDue_ReturnsEmptyAndChangesNothing()
    {
        await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddMinutes(1)).CreateAsync(Repository);
        var before = await SnapshotAsync();

        var claimed = await Queue.ClaimAsync(new ClaimBuilder().At(TestTimes.Start).Build(), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(claimed, Is.Empty);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before));
        }
    }
}
