using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="IWorkflowRetention.DeleteFinishedAsync"/>: workflows that finished (COMPLETED, FAILED, CANCELLED) before the
/// cutoff go, with their tasks and activity rows, a batch at a time; unfinished workflows and ones that changed at or
/// after the cutoff stay, untouched. (Sweeps at once, and a sweep racing a retry:
/// <see cref="WorkflowOperationsConcurrencyContract"/>.) Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class WorkflowRetentionContract : StorageContract
{
    private static readonly DateTimeOffset Cutoff = TestTimes.Start.AddDays(7);

    [Test]
    public async Task DeleteFinishedAsync_WorkflowsFinishedBeforeTheCutoff_DeletesThemWithTheirTasksAndActivity()
    {
        var completed = await CreateFinishedAsync(WorkflowStatus.Completed, Cutoff.AddDays(-3));
        var failed = await CreateFinishedAsync(WorkflowStatus.Failed, Cutoff.AddDays(-2));
        var cancelled = await CreateFinishedAsync(WorkflowStatus.Cancelled, Cutoff - TestTimes.Microsecond);

        var deleted = await Retention.DeleteFinishedAsync(Cutoff, 10, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(3));
            foreach (var workflow in new[] { completed, failed, cancelled })
            {
                Assert.That(await Repository.FindAsync(workflow, CancellationToken.None), Is.Null);
                Assert.That(await Repository.GetActivityAsync(workflow, CancellationToken.None), Is.Null);
            }

            Assert.That(await SnapshotAsync(), Is.Empty, "no task or activity row is left behind");
        }
    }

    [Test]
    public async Task DeleteFinishedAsync_UnfinishedOrChangedAtOrAfterTheCutoff_KeepsThemUntouched()
    {
        // Finished exactly at the cutoff and after it; then a RUNNING and a PENDING workflow.
        await CreateFinishedAsync(WorkflowStatus.Completed, Cutoff);
        await CreateFinishedAsync(WorkflowStatus.Failed, Cutoff.AddDays(1));
        var running = await new WorkflowBuilder().CreatedAt(Cutoff.AddDays(2)).CreateAsync(Repository);
        await ClaimTaskOfAsync(running.Id, Cutoff.AddDays(2));
        await new WorkflowBuilder().CreatedAt(Cutoff.AddDays(3)).CreateAsync(Repository);
        var before = await SnapshotAsync();

        var deletedAtCutoff = await Retention.DeleteFinishedAsync(Cutoff, 10, CancellationToken.None);
        var afterFirst = await SnapshotAsync();
        // A cutoff later than every time above: the unfinished ones are old enough for it, and still stay.
        var deletedLater = await Retention.DeleteFinishedAsync(Cutoff.AddDays(30), 10, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deletedAtCutoff, Is.Zero, "the cutoff is exclusive");
            Assert.That(afterFirst, Is.EqualTo(before));
            Assert.That(deletedLater, Is.EqualTo(2), "only the two finished ones");
            Assert.That((await FindAsync(running.Id)).Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
        }
    }

    [Test]
    public async Task DeleteFinishedAsync_MoreThanABatch_DeletesAtMostMaxWorkflowsPerCall()
    {
        WorkflowStatus[] finished = [WorkflowStatus.Completed, WorkflowStatus.Failed, WorkflowStatus.Cancelled];
        for (var i = 0; i < 7; i++)
        {
            await CreateFinishedAsync(finished[i % 3], Cutoff.AddDays(-1).AddMinutes(i));
        }

        var batches = new List<int>();
        for (var call = 0; call < 4; call++)
        {
            batches.Add(await Retention.DeleteFinishedAsync(Cutoff, 3, CancellationToken.None));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(batches, Is.EqualTo(new[] { 3, 3, 1, 0 }), "fewer than asked means none is left");
            Assert.That(await SnapshotAsync(), Is.Empty);
        }
    }

    [Test]
    public async Task DeleteFinishedAsync_SomeWorkflowsDeleted_LeavesEveryRowOfTheOthers()
    {
        await CreateFinishedAsync(WorkflowStatus.Failed, Cutoff.AddDays(-1));
        var recent = await CreateFinishedAsync(WorkflowStatus.Completed, Cutoff.AddDays(1), Cutoff.AddHours(1));
        var recentDetails = await FindAsync(recent);
        var recentActivity = await ActivityAsync(recent);

        var deleted = await Retention.DeleteFinishedAsync(Cutoff, 10, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(1));
            Assert.That(await FindAsync(recent), Is.EqualTo(recentDetails).Using<WorkflowDetails>(
                (expected, actual) => expected.Workflow == actual.Workflow && expected.Tasks.SequenceEqual(actual.Tasks)));
            Assert.That(await ActivityAsync(recent), Is.EqualTo(recentActivity));
        }
    }

    [Test]
    public async Task DeleteFinishedAsync_WorkflowRetriedSinceItFinished_IsKept()
    {
        var workflow = await CreateFinishedAsync(WorkflowStatus.Failed, Cutoff.AddDays(-1));
        await Repository.RetryAsync(new WorkflowRetry(workflow, 0, FreshAttempts: 1, Cutoff.AddDays(-1).AddHours(1), DueAt: Cutoff.AddDays(-1).AddHours(1)), CancellationToken.None);

        var deleted = await Retention.DeleteFinishedAsync(Cutoff, 10, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.Zero, "a PENDING workflow is not finished, however old");
            Assert.That((await FindAsync(workflow)).Workflow.Status, Is.EqualTo(WorkflowStatus.Pending));
        }
    }
}
