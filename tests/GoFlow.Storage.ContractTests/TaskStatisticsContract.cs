using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="ITaskStatistics"/> on a store, the count behind the task gauges: every unfinished status the domain has
/// (PENDING, due or later; RUNNING; WAITING for a signal), none of the finished ones.
/// </summary>
public abstract class TaskStatisticsContract : StorageContract
{
    private static readonly DateTimeOffset ClaimedAt = TestTimes.Start.AddSeconds(1);
    private static readonly CancellationToken None = CancellationToken.None;

    [Test]
    public async Task CountAsync_EmptyStore_CountsZeroForEveryUnfinishedStatus()
    {
        var counts = await Storage.TaskStatistics.CountAsync(None);

        Assert.That(counts.ByStatus.Keys, Is.EquivalentTo(TaskTransitions.Unfinished));
        Assert.That(counts.ByStatus.Values, Is.All.Zero);
    }

    [Test]
    public async Task CountAsync_ThreeWorkflowsOneClaimed_CountsTwoPendingOneRunning()
    {
        for (var i = 0; i < 3; i++)
        {
            await new WorkflowBuilder().CreateAsync(Repository);
        }

        var claimed = await Queue.ClaimAsync(new ClaimBuilder().UpTo(1).Build(), None);

        Assert.That(claimed, Has.Count.EqualTo(1));
        Assert.That(await Storage.TaskStatistics.CountAsync(None), Is.EqualTo(Counts(pending: 2, running: 1)));
    }

    [Test]
    public async Task CountAsync_RunningTaskScheduledForRetry_CountsItPendingAgain()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var claimed = await ClaimOneAsync();
        var now = TestTimes.Start.AddSeconds(2);

        var failed = await Queue.FailAsync(new TaskFailure(claimed, "boom", now.AddMinutes(1), now), None);

        Assert.That(failed, Is.True);
        Assert.That(await Storage.TaskStatistics.CountAsync(None), Is.EqualTo(Counts(pending: 1)));
    }

    [Test]
    public async Task CountAsync_SignalStepWaiting_CountsItWaiting()
    {
        var waiting = await new WorkflowBuilder().CreateAsync(Repository);
        var claim = await ClaimTaskOfAsync(waiting.Id, ClaimedAt);
        Assert.That(await Signals.AwaitAsync(new SignalAwait(claim, "approved", ClaimedAt.AddHours(1), ClaimedAt), None),
            Is.TypeOf<SignalAwaitResult.Parked>());
        await new WorkflowBuilder().CreateAsync(Repository);

        Assert.That(await Storage.TaskStatistics.CountAsync(None), Is.EqualTo(Counts(pending: 1, waiting: 1)));
    }

    [Test]
    public async Task CountAsync_OnlyFinishedTasks_CountsNothing()
    {
        // Finished tasks are the store's history, as many as retention keeps: the gauges leave them out.
        foreach (var status in new[] { WorkflowStatus.Completed, WorkflowStatus.Failed, WorkflowStatus.Cancelled })
        {
            await CreateFinishedAsync(status, ClaimedAt);
        }

        Assert.That(await Storage.TaskStatistics.CountAsync(None), Is.EqualTo(Counts()));
    }

    private static TaskCounts Counts(long pending = 0, long running = 0, long waiting = 0) => new(
        new Dictionary<WorkflowTaskStatus, long>
        {
            [WorkflowTaskStatus.Pending] = pending,
            [WorkflowTaskStatus.Running] = running,
            [WorkflowTaskStatus.Waiting] = waiting,
        });
}
