namespace GoFlow.Worker.Tests;

public sealed class WorkAvailableSignalTests
{
    private static readonly TimeSpan LongPoll = TimeSpan.FromHours(1);

    [Test]
    public async Task WaitAsync_NotifiedBefore_ReturnsWithoutWaitingForThePoll()
    {
        var signal = new WorkAvailableSignal();
        signal.Notify();

        var wait = signal.WaitAsync(LongPoll, TimeProvider.System, CancellationToken.None);

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(wait.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task WaitAsync_ManyNotifications_WakeOnlyOneWait()
    {
        var signal = new WorkAvailableSignal();
        signal.Notify();
        signal.Notify();
        signal.Notify();
        await signal.WaitAsync(LongPoll, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var second = signal.WaitAsync(TimeSpan.FromMilliseconds(50), TimeProvider.System, CancellationToken.None);

        Assert.That(second.IsCompleted, Is.False, "a second wait must wait for the poll interval");
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task WaitAsync_NotNotified_ReturnsWhenThePollIntervalPasses()
    {
        var signal = new WorkAvailableSignal();

        var wait = signal.WaitAsync(TimeSpan.FromMilliseconds(20), TimeProvider.System, CancellationToken.None);

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(wait.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void WaitAsync_Stopping_Throws()
    {
        var signal = new WorkAvailableSignal();
        using var stopping = new CancellationTokenSource();
        stopping.Cancel();

        Assert.That(
            async () => await signal.WaitAsync(LongPoll, TimeProvider.System, stopping.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }
}
