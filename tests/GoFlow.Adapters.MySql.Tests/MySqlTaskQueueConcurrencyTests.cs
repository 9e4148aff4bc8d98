using GoFlow.Adapters.MySql.Tests.Builders;
using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql.Tests;

internal sealed class MySqlTaskQueueConcurrencyTests : MySqlDatabaseFixture
{
    private const int TaskCount = 200;
    private const int ClaimerCount = 8;
    private const int BatchSize = 5;

    [Test]
    [CancelAfter(60_000)]
    public async Task ClaimAsync_ConcurrentClaimers_ClaimEveryTaskExactlyOnce(CancellationToken cancellationToken)
    {
        for (var i = 0; i < TaskCount; i++)
        {
            await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddMilliseconds(i)).CreateAsync(Repository);
        }

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var claimers = Enumerable.Range(0, ClaimerCount)
            .Select(index => Task.Run(() => ClaimUntilEmptyAsync($"worker-{index}", go.Task, cancellationToken), cancellationToken))
            .ToArray();
        go.SetResult();
        var claimedByWorker = await Task.WhenAll(claimers);

        var all = claimedByWorker.SelectMany(claimed => claimed).ToList();
        var stored = await Database.QueryAsync<(long Id, string Status, int Attempt, string LeaseOwner)>(
            "SELECT id, status, attempt, lease_owner FROM tasks ORDER BY id");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(all, Has.Count.EqualTo(TaskCount), "every task claimed");
            Assert.That(all.Select(task => task.Id).Distinct().Count(), Is.EqualTo(TaskCount), "no task claimed twice");
            Assert.That(stored.Select(row => row.Status), Is.All.EqualTo(StatusNames.Running));
            Assert.That(stored.Select(row => row.Attempt), Is.All.EqualTo(1), "no task was claimed a second time");
            Assert.That(
                stored.ToDictionary(row => row.Id, row => row.LeaseOwner),
                Is.EquivalentTo(all.ToDictionary(task => task.Id.Value, task => task.LeaseOwner)),
                "each task is held by the claimer it was returned to");
            Assert.That(await Database.ExecuteScalarAsync<long>(
                    $"SELECT COUNT(DISTINCT task_id) FROM activity_logs WHERE action = '{ActivityAction.TaskStarted}'"),
                Is.EqualTo(TaskCount));
            Assert.That(await Database.ExecuteScalarAsync<long>(
                    $"SELECT COUNT(*) FROM activity_logs WHERE action = '{ActivityAction.TaskStarted}'"),
                Is.EqualTo(TaskCount));
            Assert.That(claimedByWorker.Count(claimed => claimed.Count > 0), Is.GreaterThan(1),
                "the claimers really ran side by side");
        }
    }

    private async Task<List<ClaimedTask>> ClaimUntilEmptyAsync(string owner, Task go, CancellationToken cancellationToken)
    {
        await go;
        var claimed = new List<ClaimedTask>();
        while (true)
        {
            var batch = await Queue.ClaimAsync(
                new ClaimBuilder().By(owner).UpTo(BatchSize).At(TestTimes.Start.AddMinutes(1)).Build(), cancellationToken);
            if (batch.Count == 0)
            {
                return claimed;
            }

            claimed.AddRange(batch);
        }
    }
}
