using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="IWorkflowStatistics"/>: counts by status and by time of the last change, completions per minute, each
/// exact up to its cap and "more than the cap" beyond it. Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class WorkflowStatisticsContract : StorageContract
{
    private static readonly DateTimeOffset Since = TestTimes.Start.AddHours(1);

    private IWorkflowStatistics Statistics => Storage.Statistics;

    [Test]
    public async Task CountByStatusAsync_BelowTheCap_CountsEveryStatusExactly()
    {
        await CreateFinishedAsync(WorkflowStatus.Completed, TestTimes.Start.AddMinutes(1));
        await CreateFinishedAsync(WorkflowStatus.Completed, TestTimes.Start.AddMinutes(2));
        await CreateFinishedAsync(WorkflowStatus.Failed, TestTimes.Start.AddMinutes(3));
        var running = await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddMinutes(4)).CreateAsync(Repository);
        await ClaimTaskOfAsync(running.Id, TestTimes.Start.AddMinutes(4));
        // Created last: a claim above would otherwise have taken their tasks.
        await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddMinutes(5)).CreateAsync(Repository);
        await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddMinutes(6)).CreateAsync(Repository);

        var counts = await Statistics.CountByStatusAsync(10, CancellationToken.None);

        Assert.That(counts, Is.EquivalentTo(new Dictionary<WorkflowStatus, CappedCount>
        {
            [WorkflowStatus.Pending] = new(2, Capped: false),
            [WorkflowStatus.Running] = new(1, Capped: false),
            [WorkflowStatus.Completed] = new(2, Capped: false),
            [WorkflowStatus.Failed] = new(1, Capped: false),
            [WorkflowStatus.Cancelled] = new(0, Capped: false),
        }));
    }

    [Test]
    public async Task CountByStatusAsync_MoreThanTheCap_StopsAtTheCapAndSaysSo()
    {
        for (var i = 0; i < 3; i++)
        {
            await CreateFinishedAsync(WorkflowStatus.Completed, TestTimes.Start.AddMinutes(i));
        }

        await CreateFinishedAsync(WorkflowStatus.Failed, TestTimes.Start.AddMinutes(10));
        await CreateFinishedAsync(WorkflowStatus.Failed, TestTimes.Start.AddMinutes(11));

        var counts = await Statistics.CountByStatusAsync(2, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(counts[WorkflowStatus.Completed], Is.EqualTo(new CappedCount(2, Capped: true)), "three is more than the cap");
            Assert.That(counts[WorkflowStatus.Failed], Is.EqualTo(new CappedCount(2, Capped: false)), "exactly the cap is exact");
        }
    }

    [Test]
    public async Task CountChangedAsync_TimeBounds_CountFromSinceInclusiveToBeforeExclusive()
    {
        await CreateFinishedAsync(WorkflowStatus.Failed, Since - TestTimes.Microsecond);
        await CreateFinishedAsync(WorkflowStatus.Failed, Since);
        await CreateFinishedAsync(WorkflowStatus.Failed, Since.AddMinutes(10));
        await CreateFinishedAsync(WorkflowStatus.Cancelled, Since.AddMinutes(20));
        await CreateFinishedAsync(WorkflowStatus.Completed, Since.AddMinutes(30));

        var failedSince = await Statistics.CountChangedAsync([WorkflowStatus.Failed], Since, null, 10, CancellationToken.None);
        var finishedBefore = await Statistics.CountChangedAsync(
            [WorkflowStatus.Completed, WorkflowStatus.Failed, WorkflowStatus.Cancelled], null, Since.AddMinutes(20), 10, CancellationToken.None);
        var both = await Statistics.CountChangedAsync(
            [WorkflowStatus.Failed, WorkflowStatus.Cancelled], Since, Since.AddMinutes(30), 10, CancellationToken.None);
        var capped = await Statistics.CountChangedAsync([WorkflowStatus.Failed], null, null, 2, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failedSince, Is.EqualTo(new CappedCount(2, Capped: false)));
            Assert.That(finishedBefore, Is.EqualTo(new CappedCount(3, Capped: false)), "the cancelled one changed at the bound");
            Assert.That(both, Is.EqualTo(new CappedCount(3, Capped: false)));
            Assert.That(capped, Is.EqualTo(new CappedCount(2, Capped: true)));
        }
    }

    [Test]
    public async Task WorkflowsCompletedPerMinuteAsync_CompletionsSince_CountsEachMinuteOfCompletion()
    {
        await CreateFinishedAsync(WorkflowStatus.Completed, Since - TestTimes.Microsecond);
        await CreateFinishedAsync(WorkflowStatus.Completed, Since.AddSeconds(10));
        await CreateFinishedAsync(WorkflowStatus.Completed, Since.AddSeconds(59.5));
        await CreateFinishedAsync(WorkflowStatus.Failed, Since.AddSeconds(70));
        await CreateFinishedAsync(WorkflowStatus.Completed, Since.AddMinutes(2).AddSeconds(1));

        var all = await Statistics.WorkflowsCompletedPerMinuteAsync(Since, 10, CancellationToken.None);
        var latestTwo = await Statistics.WorkflowsCompletedPerMinuteAsync(Since, 2, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(all.Minutes, Is.EqualTo(new[] { new MinuteCount(MinuteOf(Since), 2), new MinuteCount(MinuteOf(Since.AddMinutes(2)), 1) }));
            Assert.That(all.Capped, Is.False);
            Assert.That(latestTwo.Minutes, Is.EqualTo(new[] { new MinuteCount(MinuteOf(Since), 1), new MinuteCount(MinuteOf(Since.AddMinutes(2)), 1) }),
                "the cap keeps the latest completions");
            Assert.That(latestTwo.Capped, Is.True);
        }
    }

    [Test]
    public async Task StepsCompletedPerMinuteAsync_StepsDueSinceTheQueueBound_CountsEachMinuteOfCompletion()
    {
        var queuedSince = Since.AddMinutes(-30);
        // Due before the queue bound: not counted, though it completed inside the window (the documented limit).
        await CreateFinishedAsync(WorkflowStatus.Completed, Since.AddMinutes(5), createdAt: queuedSince - TestTimes.Microsecond);
        // Due after the bound, completed inside the window, in two minutes.
        await CreateFinishedAsync(WorkflowStatus.Completed, Since.AddMinutes(6).AddSeconds(1), createdAt: queuedSince);
        await CreateFinishedAsync(WorkflowStatus.Completed, Since.AddMinutes(6).AddSeconds(2), createdAt: Since);
        await CreateFinishedAsync(WorkflowStatus.Completed, Since.AddMinutes(8), createdAt: Since.AddMinutes(7));
        // Completed before the window.
        await CreateFinishedAsync(WorkflowStatus.Completed, Since.AddMinutes(-1), createdAt: queuedSince.AddMinutes(1));
        // Failed, not completed.
        await CreateFinishedAsync(WorkflowStatus.Failed, Since.AddMinutes(9), createdAt: Since.AddMinutes(9));

        var steps = await Statistics.StepsCompletedPerMinuteAsync(Since, queuedSince, 10, CancellationToken.None);
        var capped = await Statistics.StepsCompletedPerMinuteAsync(Since, queuedSince, 1, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(steps.Minutes, Is.EqualTo(new[] { new MinuteCount(MinuteOf(Since.AddMinutes(6)), 2), new MinuteCount(MinuteOf(Since.AddMinutes(8)), 1) }));
            Assert.That(steps.Capped, Is.False);
            Assert.That(capped.Capped, Is.True);
            Assert.That(capped.Minutes.Sum(minute => minute.Count), Is.EqualTo(1));
        }
    }

    /// <summary>The start of the minute <paramref name="time"/> falls in (the test times carry fractions of a second).</summary>
    private static DateTimeOffset MinuteOf(DateTimeOffset time) =>
        new(time.Year, time.Month, time.Day, time.Hour, time.Minute, 0, TimeSpan.Zero);
}
