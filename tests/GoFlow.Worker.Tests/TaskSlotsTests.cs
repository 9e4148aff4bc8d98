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
}
