using Microsoft.Extensions.Time.Testing;

namespace GoFlow.Worker.Tests;

public sealed class TaskSlotsTests
{
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(10);
    private readonly FakeTimeProvider _clock = new();
    private readonly TaskSlots _slots = new(4);

    [Test]
    public async Task TakeAsync_SlotsFreeOneByOneWithinTheGather_TakesThemInOneGo()
    {
        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);
        var take = _slots.TakeAsync(most: 4, enough: 3, Gather, _clock, CancellationToken.None);

        _slots.Free();
        var takenWithOneFree = take.IsCompleted;
        _slots.Free(2);

        Assert.That(takenWithOneFree, Is.False, "one free slot waits for the others to gather");
        Assert.That(await take.WaitAsync(WorkerHarness.Deadline), Is.EqualTo(3));
        Assert.That(_slots.InUse, Is.EqualTo(4));
    }

    [Test]
    public async Task TakeAsync_TooFewFreeWhenTheGatherEnds_TakesWhatIsFree()
    {
        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);
        var take = _slots.TakeAsync(most: 4, enough: 3, Gather, _clock, CancellationToken.None);

        _slots.Free();
        _clock.Advance(Gather);

        Assert.That(await take.WaitAsync(WorkerHarness.Deadline), Is.EqualTo(1), "a lone free slot is claimed once the gather ends");
    }

    [Test]
    public async Task TakeAsync_EnoughFreeAlready_TakesUpToMostAtOnce()
    {
        var take = _slots.TakeAsync(most: 3, enough: 2, Gather, _clock, CancellationToken.None);

        Assert.That(take.IsCompletedSuccessfully, Is.True);
        Assert.That(await take, Is.EqualTo(3));
    }

    [Test]
    public async Task Free_TheSlotTheClaimLoopWaitsFor_WakesItOnTheFreeingThread()
    {
        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);
        var take = _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);

        _slots.Free();

        // Woken through the thread pool, the wait would still be pending here: the loop runs on when Free returns.
        Assert.That(take.IsCompletedSuccessfully, Is.True, "the waiter ran on the thread that freed its slot");
        Assert.That(await take, Is.EqualTo(1));
    }

    [Test]
    public async Task WhenAllFreeAsync_SlotsTaken_CompletesOnceTheLastIsFree()
    {
        await _slots.TakeAsync(most: 2, enough: 1, Gather, _clock, CancellationToken.None);
        var allFree = _slots.WhenAllFreeAsync();

        _slots.Free();
        var afterOne = allFree.IsCompleted;
        _slots.Free();

        Assert.That(afterOne, Is.False);
        await allFree.WaitAsync(WorkerHarness.Deadline);
    }

    [Test]
    public async Task TakeAsync_CancelledWhileWaiting_Throws()
    {
        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);
        using var stopping = new CancellationTokenSource();
        var take = _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, stopping.Token);

        await stopping.CancelAsync();

        Assert.That(async () => await take, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task TryStartRecording_APlaceFree_FreesTheHandlerSlotForTheClaimLoop()
    {
        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);
        var take = _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);

        var recording = _slots.TryStartRecording();

        Assert.That(recording, Is.True);
        Assert.That(await take.WaitAsync(WorkerHarness.Deadline), Is.EqualTo(1), "the claim loop took the lent slot");
        Assert.That(_slots.Held, Is.EqualTo(5), "four handler slots and one recording place");
    }

    [Test]
    public async Task TryStartRecording_EveryPlaceTaken_KeepsTheHandlerSlot()
    {
        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);
        for (var i = 0; i < 4; i++)
        {
            Assert.That(_slots.TryStartRecording(), Is.True);
        }

        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);

        Assert.That(_slots.TryStartRecording(), Is.False, "a fifth record would wait beyond the bound");
        Assert.That((_slots.InUse, _slots.Held), Is.EqualTo((4, 8)), "at most twice the slots held");
    }

    [Test]
    public async Task TakeBackAsync_EverySlotTaken_GetsTheNextFreedSlotBeforeTheClaimLoop()
    {
        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);
        _slots.TryStartRecording();
        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);
        var handedOver = _slots.TakeBackAsync();
        var claim = _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);

        _slots.Free();

        await handedOver.WaitAsync(WorkerHarness.Deadline);
        Assert.That(claim.IsCompleted, Is.False, "the claim loop waits for the slot after");
        Assert.That((_slots.InUse, _slots.Held), Is.EqualTo((4, 4)));
        _slots.Free();
        Assert.That(await claim.WaitAsync(WorkerHarness.Deadline), Is.EqualTo(1));
    }

    [Test]
    public async Task TakeAsync_AHandedOverStepTakesBackTheSlotDuringTheGather_WaitsForTheNextRatherThanTakingNone()
    {
        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);
        _slots.TryStartRecording();
        var take = _slots.TakeAsync(most: 4, enough: 4, Gather, _clock, CancellationToken.None);

        await _slots.TakeBackAsync().WaitAsync(WorkerHarness.Deadline);
        _clock.Advance(Gather);
        var completedWithNoneFree = take.IsCompleted;
        _slots.Free();
        _clock.Advance(Gather); // the freed slot is one of the four the claim gathers for again

        Assert.That(completedWithNoneFree, Is.False, "a claim of no slots would claim nothing and fail");
        Assert.That(await take.WaitAsync(WorkerHarness.Deadline), Is.EqualTo(1));
    }

    [Test]
    public async Task EndTakingBack_AHandedOverStepWaitsForASlot_EndsItsWaitWithoutASlotAndKeepsItsRecordingPlace()
    {
        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);
        _slots.TryStartRecording();
        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);
        var handedOver = _slots.TakeBackAsync();
        var waitedAtFirst = !handedOver.IsCompleted;

        _slots.EndTakingBack();

        Assert.That(waitedAtFirst, Is.True, "every slot was taken");
        Assert.That(await handedOver.WaitAsync(WorkerHarness.Deadline), Is.False, "no slot was taken");
        Assert.That((_slots.InUse, _slots.Held), Is.EqualTo((4, 5)), "the step keeps its recording place");
        _slots.Free();
        Assert.That((_slots.InUse, _slots.Held), Is.EqualTo((3, 4)), "the freed slot went to no one");
        _slots.EndRecording();
        Assert.That(_slots.Held, Is.EqualTo(3));
    }

    [Test]
    public async Task TakeBackAsync_AfterEndTakingBackWithEverySlotTaken_AnswersFalseAtOnce()
    {
        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);
        _slots.TryStartRecording();
        await _slots.TakeAsync(most: 4, enough: 1, Gather, _clock, CancellationToken.None);
        _slots.EndTakingBack();

        var handedOver = _slots.TakeBackAsync();

        Assert.That(handedOver.IsCompletedSuccessfully, Is.True, "nothing is waited for once the worker stopped claiming");
        Assert.That(await handedOver, Is.False);
    }

    [Test]
    public async Task TakeBackAsync_AfterEndTakingBackWithASlotFree_TakesIt()
    {
        await _slots.TakeAsync(most: 1, enough: 1, Gather, _clock, CancellationToken.None);
        _slots.TryStartRecording();
        _slots.EndTakingBack();

        Assert.That(await _slots.TakeBackAsync(), Is.True);
        Assert.That((_slots.InUse, _slots.Held), Is.EqualTo((1, 1)));
    }

    [Test]
    public async Task WhenAllFreeAsync_ARecordWaitsAfterEverySlotIsFree_CompletesOnceItEnds()
    {
        await _slots.TakeAsync(most: 1, enough: 1, Gather, _clock, CancellationToken.None);
        _slots.TryStartRecording();
        var allFree = _slots.WhenAllFreeAsync();

        var whileRecording = allFree.IsCompleted;
        _slots.EndRecording();

        Assert.That(whileRecording, Is.False, "a task waiting for its record is still held");
        await allFree.WaitAsync(WorkerHarness.Deadline);
    }
}
