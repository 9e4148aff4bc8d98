using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Worker.Tests;

/// <summary>The slots the worker lends to starts made in its process (ADR 0037, <see cref="ILocalWorkerSlots"/>).</summary>
public sealed class TaskWorkerStartHandOverTests
{
    private static readonly TimeSpan Deadline = WorkerHarness.Deadline;

    private readonly WorkerHarness _harness = new();

    [SetUp]
    public void NothingToClaim() => _harness.ClaimReturns([]);

    [Test]
    public void TryTake_WorkerNotRunning_GivesNoSlot()
    {
        using var worker = _harness.CreateWorker();

        Assert.That(worker.TryTake(), Is.Null, "a start before the worker runs is stored PENDING");
    }

    [Test]
    public async Task TryTake_SlotGivenTheCommittedTask_RunsItWithoutAClaimAndKeepsItsChain()
    {
        var task = WorkerHarness.Tasks(1)[0];
        var ran = new TaskCompletionSource<ClaimedTask>(TaskCreationOptions.RunContinuationsAsynchronously);
        _harness.OnExecute((executed, _) =>
        {
            ran.TrySetResult(executed);
            return Task.FromResult(new AttemptResult(AttemptOutcome.Completed));
        });
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);

        var slot = await FirstSlotAsync(worker);
        Assert.That(slot.WorkerId, Is.EqualTo("worker-under-test"), "the lease owner its claims use");
        slot.Run(task);

        Assert.That(await ran.Task.WaitAsync(Deadline), Is.SameAs(task));
        await worker.StopAsync(CancellationToken.None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_harness.HandOversAsked[task.Id], Is.True, "runs as a claimed task does, its next step handed over");
        }
    }

    [Test]
    public async Task TryTake_EverySlotTakenThenOneFreedByAFailedCommit_LendsItAgain()
    {
        _harness.Options.MaxConcurrency = 2;
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var first = await FirstSlotAsync(worker);
        var second = worker.TryTake();
        var third = worker.TryTake();
        second!.Free();
        var again = worker.TryTake();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second, Is.Not.Null);
            Assert.That(third, Is.Null, "no slot beyond MaxConcurrency");
            Assert.That(again, Is.Not.Null, "the start whose commit failed gave its slot back");
        }

        first.Free();
        again!.Free();
        await worker.StopAsync(CancellationToken.None).WaitAsync(Deadline);
    }

    [Test]
    public async Task TryTake_ApiBusy_LendsNoMoreThanTheBusyShare()
    {
        _harness.Options.MaxConcurrency = 8;
        _harness.Options.MaxConcurrencyWhileApiBusy = 1;
        _harness.ApiRequestsInFlight = 1;
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);

        var first = await FirstSlotAsync(worker);
        var second = worker.TryTake();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second, Is.Null, "the busy share (ADR 0021) bounds what starts take too");
        }

        first.Free();
        await worker.StopAsync(CancellationToken.None).WaitAsync(Deadline);
    }

    [Test]
    public async Task TryTake_WorkerStopping_GivesNoSlot()
    {
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        (await FirstSlotAsync(worker)).Free();

        await worker.StopAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.That(worker.TryTake(), Is.Null, "a stopping worker takes no more starts: they are stored PENDING");
    }

    [Test]
    public async Task StopAsync_SlotTakenByAStartWhoseCommitIsPending_WaitsForItsTaskThenAsksNoHandOver()
    {
        var task = WorkerHarness.Tasks(1)[0];
        _harness.OnExecute((_, _) => Task.FromResult(new AttemptResult(AttemptOutcome.Completed)));
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        var slot = await FirstSlotAsync(worker);

        var stopping = worker.StopAsync(CancellationToken.None);
        var stoppedBeforeTheCommit = stopping.IsCompleted;
        slot.Run(task);
        await stopping.WaitAsync(Deadline);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stoppedBeforeTheCommit, Is.False, "the committed start's task is the worker's to run");
            Assert.That(_harness.HandOversAsked[task.Id], Is.False, "a stopping worker asks for no hand-over");
        }
    }

    /// <summary>
    /// The first slot the worker lends once its loop runs (a hosted service's loop starts after StartAsync returns);
    /// its claim loop has then claimed nothing and sleeps, so every other slot is free.
    /// </summary>
    private async Task<IHandOverSlot> FirstSlotAsync(TaskWorker worker)
    {
        await WorkerHarness.UntilAsync(() => _harness.Claims.Count, count => count > 0);
        return (await WorkerHarness.UntilAsync(worker.TryTake, slot => slot is not null))!;
    }
}
