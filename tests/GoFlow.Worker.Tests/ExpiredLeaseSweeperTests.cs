using GoFlow.Ports.Driven;
using Moq;

namespace GoFlow.Worker.Tests;

public sealed class ExpiredLeaseSweeperTests
{
    private readonly WorkerHarness _harness = new();

    public ExpiredLeaseSweeperTests() => _harness.Options.RecoveryInterval = TimeSpan.FromMilliseconds(20);

    [Test]
    public async Task Recovery_Periodically_TakesBackExpiredTasksABatchAtATime()
    {
        var swept = new TaskCompletionSource<int>();
        _harness.RecoverExpiredTasks.Setup(r => r.RecoverAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((int max, CancellationToken _) =>
            {
                swept.TrySetResult(max);
                return 0;
            });
        using var sweeper = _harness.CreateSweeper();

        await sweeper.StartAsync(CancellationToken.None);
        var batch = await swept.Task.WaitAsync(WorkerHarness.Deadline);
        await sweeper.StopAsync(CancellationToken.None);

        Assert.That(batch, Is.EqualTo(100), "ADR 0007's batch per sweep");
    }

    [Test]
    public async Task Recovery_StoreDown_KeepsSweeping()
    {
        var calls = 0;
        var sweptAgain = new TaskCompletionSource();
        _harness.RecoverExpiredTasks.Setup(r => r.RecoverAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    throw new StoreUnavailableException("Connection refused", new IOException());
                }

                sweptAgain.TrySetResult();
                return 0;
            });
        using var sweeper = _harness.CreateSweeper();

        await sweeper.StartAsync(CancellationToken.None);
        await sweptAgain.Task.WaitAsync(WorkerHarness.Deadline);
        await sweeper.StopAsync(CancellationToken.None);

        Assert.That(calls, Is.GreaterThanOrEqualTo(2));
        Assert.That(sweeper.ExecuteTask!.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task StopAsync_WhileIdle_EndsTheSweep()
    {
        _harness.Options.RecoveryInterval = TimeSpan.FromHours(1);
        using var sweeper = _harness.CreateSweeper();

        await sweeper.StartAsync(CancellationToken.None);
        await sweeper.StopAsync(CancellationToken.None);

        // A stop that comes before the loop's first run leaves the task cancelled, not faulted: both are an end.
        Assert.That(sweeper.ExecuteTask!.IsCompleted && !sweeper.ExecuteTask.IsFaulted, Is.True);
        _harness.RecoverExpiredTasks.VerifyNoOtherCalls();
    }
}
