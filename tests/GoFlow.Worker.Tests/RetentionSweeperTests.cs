using System.Collections.Concurrent;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace GoFlow.Worker.Tests;

public sealed class RetentionSweeperTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly Mock<IPurgeFinishedWorkflows> _purge = new();
    private readonly RetentionOptions _options = new()
    {
        MaxAge = TimeSpan.FromDays(3),
        Interval = TimeSpan.FromHours(1),
        BatchSize = 10,
    };

    [Test]
    public async Task Sweep_FullBatches_DeletesBatchAfterBatchUntilOneComesBackShort()
    {
        var batches = new ConcurrentQueue<int>([10, 10, 4]);
        var calls = new ConcurrentQueue<(TimeSpan OlderThan, int Max)>();
        _purge.Setup(p => p.PurgeAsync(It.IsAny<TimeSpan>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TimeSpan olderThan, int max, CancellationToken _) =>
            {
                calls.Enqueue((olderThan, max));
                return batches.TryDequeue(out var deleted) ? deleted : 0;
            });
        using var sweeper = CreateSweeper();

        await sweeper.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => calls.Count >= 3);
        await sweeper.StopAsync(CancellationToken.None);

        Assert.That(calls.Take(3), Is.EqualTo(Enumerable.Repeat((TimeSpan.FromDays(3), 10), 3)));
        Assert.That(calls, Has.Count.EqualTo(3), "a short batch ends the sweep until the next interval");
    }

    [Test]
    public async Task Sweep_Disabled_DeletesNothing()
    {
        _options.Enabled = false;
        using var sweeper = CreateSweeper();

        await sweeper.StartAsync(CancellationToken.None);
        await sweeper.ExecuteTask!.WaitAsync(Deadline);

        _purge.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Sweep_StoreDown_TriesAgainAtTheNextInterval()
    {
        _options.Interval = TimeSpan.FromMilliseconds(20);
        var calls = 0;
        _purge.Setup(p => p.PurgeAsync(It.IsAny<TimeSpan>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => Interlocked.Increment(ref calls) == 1
                ? throw new GoFlow.Ports.Driven.StoreUnavailableException("down", new IOException())
                : 0);
        using var sweeper = CreateSweeper();

        await sweeper.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => Volatile.Read(ref calls) >= 2);
        await sweeper.StopAsync(CancellationToken.None);

        Assert.That(sweeper.ExecuteTask!.IsCompletedSuccessfully, Is.True);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Deadline;
        while (!condition())
        {
            Assert.That(TimeProvider.System.GetUtcNow(), Is.LessThan(deadline), "the condition never held");
            await Task.Delay(10);
        }
    }

    private RetentionSweeper CreateSweeper()
    {
        var services = new ServiceCollection().AddScoped(_ => _purge.Object).BuildServiceProvider();
        return new RetentionSweeper(
            services.GetRequiredService<IServiceScopeFactory>(),
            Options.Create(_options),
            TimeProvider.System,
            NullLogger<RetentionSweeper>.Instance);
    }
}
