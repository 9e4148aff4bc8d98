using System.Collections.Concurrent;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// Several workers on one store at once: concurrent claimers never share a task, concurrent sweeps never take a task
/// back twice, and a completion racing a sweep loses or wins as a whole. The workers use the same ports at once, as
/// workers in several processes would, all started together (<see cref="StorageContract.RunTogetherAsync{T}"/>). Subclass it and implement
/// <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class TaskQueueConcurrencyContract : StorageContract
{
    private const int WorkerCount = 8;
    private static readonly DateTimeOffset ClaimedAt = TestTimes.Start.AddMinutes(1);

    [Test]
    [CancelAfter(120_000)]
    public async Task ClaimAsync_ConcurrentClaimers_ClaimEveryTaskExactlyOnce(CancellationToken cancellationToken)
    {
        const int taskCount = 200;
        var workflows = await CreateWorkflowsAsync(taskCount);

        var claimedByWorker = await RunTogetherAsync(WorkerCount, async index =>
        {
            var claimed = new List<ClaimedTask>();
            while (true)
            {
                var batch = await Queue.ClaimAsync(
                    new ClaimBuilder().By($"worker-{index}").UpTo(5).At(ClaimedAt).Build(), cancellationToken);
                if (batch.Count == 0)
                {
                    return claimed;
                }

                claimed.AddRange(batch);
            }
        });

        var all = claimedByWorker.SelectMany(claimed => claimed).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(all, Has.Count.EqualTo(taskCount), "every task claimed");
            Assert.That(all.Select(task => task.Id).Distinct().Count(), Is.EqualTo(taskCount), "no task claimed twice");
            Assert.That(all.Select(task => task.WorkflowId), Is.EquivalentTo(workflows));
            Assert.That(all.Select(task => task.Attempt), Is.All.EqualTo(1));
            Assert.That(claimedByWorker.Count(claimed => claimed.Count > 0), Is.GreaterThan(1),
                "the claimers really ran side by side");
            foreach (var task in all)
            {
                Assert.That((await Storage.ReadLeaseAsync(task.Id))?.Owner, Is.EqualTo(task.LeaseOwner),
                    "each task is held by the claimer it was returned to");
                Assert.That(await ActionsOfAsync(task.WorkflowId),
                    Is.EqualTo(new[] { ActivityAction.WorkflowCreated, ActivityAction.TaskStarted }));
            }
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task RecoverExpiredLeasesAsync_ConcurrentSweeps_TakeEachTaskBackOnce(CancellationToken cancellationToken)
    {
        const int taskCount = 100;
        var workflows = await CreateWorkflowsAsync(taskCount);
        var claimed = await Queue.ClaimAsync(
            new ClaimBuilder().UpTo(taskCount).At(ClaimedAt).LeasedFor(TimeSpan.FromMinutes(1)).Build(), cancellationToken);
        Assert.That(claimed, Has.Count.EqualTo(taskCount));
        var sweptAt = ClaimedAt.AddMinutes(2);

        var recoveredBySweeper = await RunTogetherAsync(WorkerCount, async _ =>
        {
            var total = 0;
            while (true)
            {
                var recovered = await RecoverExpiredLeasesAsync(sweptAt, 5, cancellationToken);
                if (recovered == 0)
                {
                    return total;
                }

                total += recovered;
            }
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(recoveredBySweeper.Sum(), Is.EqualTo(taskCount), "every task taken back once");
            Assert.That(await RecoverExpiredLeasesAsync(sweptAt, taskCount, cancellationToken), Is.Zero);
            Assert.That(recoveredBySweeper.Count(count => count > 0), Is.GreaterThan(1), "the sweeps really ran side by side");
            foreach (var workflow in workflows)
            {
                var task = await TaskAsync(workflow);
                Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
                Assert.That(task.Attempt, Is.EqualTo(1));
                Assert.That(await ActionsOfAsync(workflow), Has.Exactly(1).EqualTo(ActivityAction.TaskLeaseExpired));
            }
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task CompleteAsync_RacingTheSweep_EachTaskIsEitherCompletedOrTakenBackNeverBoth(
        CancellationToken cancellationToken)
    {
        const int taskCount = 100;
        await CreateWorkflowsAsync(taskCount);
        var claimed = await Queue.ClaimAsync(
            new ClaimBuilder().UpTo(taskCount).At(ClaimedAt).LeasedFor(TimeSpan.FromMinutes(1)).Build(), cancellationToken);
        Assert.That(claimed, Has.Count.EqualTo(taskCount));
        // The holder reports after its leases ran out while a sweep runs: it starts from the task the sweep reaches
        // last, so that the two meet somewhere in the middle.
        var lateAt = ClaimedAt.AddMinutes(2);
        var completedIds = new ConcurrentBag<TaskId>();
        var recoveredCounts = new ConcurrentBag<int>();

        await RunTogetherAsync(2, async index =>
        {
            if (index == 0)
            {
                foreach (var task in claimed.Reverse())
                {
                    if (await CompleteOneAsync(task, "{}", new WorkflowStep(1, "DeductMoney"), lateAt, cancellationToken))
                    {
                        completedIds.Add(task.Id);
                    }
                }
            }
            else
            {
                int recovered;
                do
                {
                    recovered = await RecoverExpiredLeasesAsync(lateAt, 3, cancellationToken);
                    recoveredCounts.Add(recovered);
                }
                while (recovered > 0);
            }

            return 0;
        });

        // Which side wins how many is up to the scheduler; the split is printed to show that the race took place.
        await TestContext.Out.WriteLineAsync($"{completedIds.Count} completed by the late holder, {recoveredCounts.Sum()} taken back by the sweep");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(completedIds.Count + recoveredCounts.Sum(), Is.EqualTo(taskCount),
                $"{completedIds.Count} completed and {recoveredCounts.Sum()} taken back: each task exactly one of the two");
            foreach (var task in claimed)
            {
                var details = await FindAsync(task.WorkflowId);
                var actions = await ActionsOfAsync(task.WorkflowId);
                if (completedIds.Contains(task.Id))
                {
                    Assert.That(details.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Completed));
                    Assert.That(details.Tasks, Has.Count.EqualTo(2));
                    Assert.That(actions, Has.None.EqualTo(ActivityAction.TaskLeaseExpired));
                }
                else
                {
                    Assert.That(details.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Pending));
                    Assert.That(details.Tasks, Has.Count.EqualTo(1));
                    Assert.That(actions, Has.None.EqualTo(ActivityAction.TaskCompleted));
                    Assert.That(actions, Has.Exactly(1).EqualTo(ActivityAction.TaskLeaseExpired));
                }
            }
        }
    }

    /// <summary>Creates <paramref name="count"/> OrderProcess workflows, scheduled a millisecond apart.</summary>
    private async Task<IReadOnlyList<WorkflowId>> CreateWorkflowsAsync(int count)
    {
        var workflows = new List<WorkflowId>();
        for (var i = 0; i < count; i++)
        {
            workflows.Add((await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddMilliseconds(i)).CreateAsync(Repository)).Id);
        }

        return workflows;
    }
}
