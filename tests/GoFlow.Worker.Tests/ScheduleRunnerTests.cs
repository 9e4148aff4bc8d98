using System.Collections.Concurrent;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Worker.Tests;

/// <summary>
/// The runner's sleeping: until the next fire, at most a minute, and a pause after a failed pass. The clock is fake and
/// moves only once the runner sleeps (its timer is awaited, not guessed at), so the times asserted are exact whatever the
/// machine's load.
/// </summary>
public sealed class ScheduleRunnerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 7, 30, 0, TimeSpan.Zero);

    private readonly SleepRecordingClock _clock = new(Start);
    private readonly Mock<IFireDueSchedules> _fire = new();
    private readonly ConcurrentQueue<DateTimeOffset> _passes = new();

    [Test]
    public async Task Run_NextFireInTenSeconds_PassesAgainThenAndNotBefore()
    {
        Answer(() => _clock.GetUtcNow() + TimeSpan.FromSeconds(10));
        using var runner = CreateRunner();

        await runner.StartAsync(CancellationToken.None);
        var firstSleep = await NextSleepAsync(sleepsBefore: 0);
        _clock.Advance(firstSleep);
        await NextSleepAsync(sleepsBefore: 1);
        await runner.StopAsync(CancellationToken.None);

        // Asleep from the first pass until the fire, exactly: not a tick before, and no later.
        Assert.That(firstSleep, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(_passes, Is.EqualTo(new[] { Start, Start.AddSeconds(10) }));
        _fire.Verify(fire => fire.FireDueAsync(new FireDueSchedulesCommand(Start), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Test]
    public async Task Run_NoFireAhead_PassesAgainAfterTheLongestSleep()
    {
        Answer(() => null);
        using var runner = CreateRunner();

        await runner.StartAsync(CancellationToken.None);
        var firstSleep = await NextSleepAsync(sleepsBefore: 0);
        _clock.Advance(firstSleep);
        await NextSleepAsync(sleepsBefore: 1);
        await runner.StopAsync(CancellationToken.None);

        Assert.That(firstSleep, Is.EqualTo(ScheduleRunner.LongestSleep));
        Assert.That(_passes, Is.EqualTo(new[] { Start, Start + ScheduleRunner.LongestSleep }));
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
        var firstSleep = await NextSleepAsync(sleepsBefore: 0);
        _clock.Advance(firstSleep);
        await NextSleepAsync(sleepsBefore: 1);
        await runner.StopAsync(CancellationToken.None);

        Assert.That(runner.ExecuteTask!.IsCompletedSuccessfully, Is.True);
        Assert.That(firstSleep, Is.EqualTo(ScheduleRunner.FailureBackoff));
        Assert.That(_passes, Is.EqualTo(new[] { Start, Start + ScheduleRunner.FailureBackoff }));
    }

    /// <summary>Waits until the runner has gone to sleep after <paramref name="sleepsBefore"/> earlier sleeps, and returns how long it sleeps.</summary>
    private async Task<TimeSpan> NextSleepAsync(int sleepsBefore)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Deadline;
        while (_clock.Sleeps.Count <= sleepsBefore)
        {
            Assert.That(TimeProvider.System.GetUtcNow(), Is.LessThan(deadline), $"the runner never slept again; passes at {string.Join(", ", _passes)}");
            await Task.Delay(10);
        }

        return _clock.Sleeps.ElementAt(sleepsBefore);
    }

    private void Answer(Func<DateTimeOffset?> next) =>
        _fire.Setup(fire => fire.FireDueAsync(It.IsAny<FireDueSchedulesCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                _passes.Enqueue(_clock.GetUtcNow());
                return next();
            });

    private ScheduleRunner CreateRunner()
    {
        var services = new ServiceCollection().AddScoped(_ => _fire.Object).BuildServiceProvider();
        return new ScheduleRunner(services.GetRequiredService<IServiceScopeFactory>(), _clock, NullLogger<ScheduleRunner>.Instance);
    }
}

/// <summary>
/// A fake clock that records each timer made on it (the runner's <c>Task.Delay</c> makes one per sleep), so that a test
/// can wait for the runner to be asleep before it moves the clock.
/// </summary>
internal sealed class SleepRecordingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    public ConcurrentQueue<TimeSpan> Sleeps { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Made before it is recorded: once a test sees the sleep, moving the clock fires the timer.
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Sleeps.Enqueue(dueTime);
        return timer;
    }
}
