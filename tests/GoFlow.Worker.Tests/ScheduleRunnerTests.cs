using System.Collections.Concurrent;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Worker.Tests;

/// <summary>The runner's sleeping: until the next fire, at most a minute, and a pause after a failed pass.</summary>
public sealed class ScheduleRunnerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 7, 30, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly Mock<IFireDueSchedules> _fire = new();
    private readonly ConcurrentQueue<DateTimeOffset> _passes = new();

    [Test]
    public async Task Run_NextFireInTenSeconds_PassesAgainThenAndNotBefore()
    {
        Answer(() => _clock.GetUtcNow() + TimeSpan.FromSeconds(10));
        using var runner = CreateRunner();

        await runner.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => _passes.Count == 1);
        await AdvanceUntilAsync(() => _passes.Count == 2, TimeSpan.FromSeconds(1));
        await runner.StopAsync(CancellationToken.None);

        // At the fire, not a second before; a step late at most, when the clock moved while the runner set its timer.
        Assert.That(_passes.First(), Is.EqualTo(Start));
        Assert.That(_passes.Last(), Is.InRange(Start.AddSeconds(10), Start.AddSeconds(11)));
        _fire.Verify(fire => fire.FireDueAsync(new FireDueSchedulesCommand(Start), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Test]
    public async Task Run_NoFireAhead_PassesAgainAfterTheLongestSleep()
    {
        Answer(() => null);
        using var runner = CreateRunner();

        await runner.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => _passes.Count == 1);
        await AdvanceUntilAsync(() => _passes.Count == 2, TimeSpan.FromSeconds(5));
        await runner.StopAsync(CancellationToken.None);

        Assert.That(_passes.Last(), Is.InRange(Start + ScheduleRunner.LongestSleep, Start + ScheduleRunner.LongestSleep + TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task Run_PassFails_TriesAgainAfterTheBackoffAndKeepsRunning()
    {
        _fire.Setup(fire => fire.FireDueAsync(It.IsAny<FireDueSchedulesCommand>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                _passes.Enqueue(_clock.GetUtcNow());
                return Task.FromException<DateTimeOffset?>(new InvalidOperationException("the store is down"));
            });
        using var runner = CreateRunner();

        await runner.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => _passes.Count == 1);
        await AdvanceUntilAsync(() => _passes.Count == 2, TimeSpan.FromSeconds(1));
        await runner.StopAsync(CancellationToken.None);

        Assert.That(runner.ExecuteTask!.IsCompletedSuccessfully, Is.True);
        Assert.That(_passes.Last(), Is.InRange(Start + ScheduleRunner.FailureBackoff, Start + ScheduleRunner.FailureBackoff + TimeSpan.FromSeconds(1)));
    }

    /// <summary>
    /// Moves the clock a <paramref name="step"/> at a time until <paramref name="condition"/> holds, giving the runner
    /// a moment after each step: the runner may still be setting its timer when a single jump would pass it by.
    /// </summary>
    private async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Deadline;
        while (!condition())
        {
            Assert.That(TimeProvider.System.GetUtcNow(), Is.LessThan(deadline), $"the condition never held; passes at {string.Join(", ", _passes)}");
            _clock.Advance(step);
            await Task.Delay(20);
        }
    }

    private void Answer(Func<DateTimeOffset?> next) =>
        _fire.Setup(fire => fire.FireDueAsync(It.IsAny<FireDueSchedulesCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                _passes.Enqueue(_clock.GetUtcNow());
                return next();
            });

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Deadline;
        while (!condition())
        {
            Assert.That(TimeProvider.System.GetUtcNow(), Is.LessThan(deadline), $"the condition never held; passes at {string.Join(", ", _passes)}, clock {_clock.GetUtcNow()}");
            await Task.Delay(10);
        }
    }

    private ScheduleRunner CreateRunner()
    {
        var services = new ServiceCollection().AddScoped(_ => _fire.Object).BuildServiceProvider();
        return new ScheduleRunner(services.GetRequiredService<IServiceScopeFactory>(), _clock, NullLogger<ScheduleRunner>.Instance);
    }
}
