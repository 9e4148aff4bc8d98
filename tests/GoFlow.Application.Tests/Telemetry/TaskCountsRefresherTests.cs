using System.Collections.Concurrent;
using System.Diagnostics;
using GoFlow.Application.Telemetry;
using GoFlow.Application.Tests.Builders;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Application.Tests.Telemetry;

public sealed class TaskCountsRefresherTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly TestTelemetry _telemetry = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly TestLifetime _lifetime = new();
    private readonly Mock<ITaskStatistics> _statistics = new();

    [TearDown]
    public void DisposeTelemetry()
    {
        _telemetry.Dispose();
        _lifetime.Dispose();
    }

    [Test]
    public async Task ExecuteAsync_HostStarted_GaugesReportTheStoreCount()
    {
        CountsAre(Counts(4, 2));
        _lifetime.Start();
        using var refresher = CreateRefresher();

        await refresher.StartAsync(CancellationToken.None);
        var pending = await GaugeUntilAsync("goflow.tasks.pending", value => value is not null);
        await refresher.StopAsync(CancellationToken.None);

        Assert.That(pending, Is.EqualTo(4));
        Assert.That(Gauge("goflow.tasks.running"), Is.EqualTo(2));
    }

    [Test]
    public async Task ExecuteAsync_HostStarted_GaugesEveryUnfinishedStatusTheDomainHas()
    {
        CountsAre(Counts(4, 2, waiting: 3));
        _lifetime.Start();
        using var refresher = CreateRefresher();

        await refresher.StartAsync(CancellationToken.None);
        var waiting = await GaugeUntilAsync("goflow.tasks.waiting", value => value is not null);
        await refresher.StopAsync(CancellationToken.None);

        Assert.That(waiting, Is.EqualTo(3));
        Assert.That(
            TaskTransitions.Unfinished.Select(status => Gauge(EngineTelemetry.TaskGaugeName(status))),
            Is.EqualTo(new long?[] { 4, 2, 3 }),
            "goflow.tasks.pending, .running and .waiting, in the order the domain lists them");
    }

    [Test]
    public async Task ExecuteAsync_IntervalPasses_CountsAgain()
    {
        CountsAre(Counts(4, 2), Counts(1, 0));
        _lifetime.Start();
        using var refresher = CreateRefresher();
        await refresher.StartAsync(CancellationToken.None);
        await GaugeUntilAsync("goflow.tasks.pending", value => value == 4);

        _clock.Advance(TaskCountsRefresher.Interval);
        var pending = await GaugeUntilAsync("goflow.tasks.pending", value => value != 4);
        await refresher.StopAsync(CancellationToken.None);

        Assert.That(pending, Is.EqualTo(1));
        Assert.That(Gauge("goflow.tasks.running"), Is.Zero);
    }

    [Test]
    public async Task ExecuteAsync_CountFails_GaugesReportNothingRatherThanTheOldCount()
    {
        var calls = 0;
        _statistics.Setup(statistics => statistics.CountAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => Interlocked.Increment(ref calls) == 1
                ? Counts(4, 2)
                : throw new StoreUnavailableException("The MySQL database cannot be reached.", new TimeoutException()));
        _lifetime.Start();
        using var refresher = CreateRefresher();
        await refresher.StartAsync(CancellationToken.None);
        await GaugeUntilAsync("goflow.tasks.pending", value => value == 4);

        _clock.Advance(TaskCountsRefresher.Interval);
        var pending = await GaugeUntilAsync("goflow.tasks.pending", value => value is null);
        await refresher.StopAsync(CancellationToken.None);

        Assert.That(pending, Is.Null);
        Assert.That(Gauge("goflow.tasks.running"), Is.Null);
    }

    [Test]
    public async Task ExecuteAsync_HostNotStartedYet_CountsOnlyOnceItHas()
    {
        // The store's schema step starts after the application's services: a count before the host has started would
        // find no tables.
        var countedBeforeStart = new ConcurrentBag<bool>();
        _statistics.Setup(statistics => statistics.CountAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                countedBeforeStart.Add(!_lifetime.ApplicationStarted.IsCancellationRequested);
                return Counts(1, 1);
            });
        using var refresher = CreateRefresher();
        await refresher.StartAsync(CancellationToken.None);

        // Time for a refresher that did not wait to count (it would do so at once); not a stand-in for a condition.
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        var gaugeBeforeStart = Gauge("goflow.tasks.pending");
        _lifetime.Start();
        var pending = await GaugeUntilAsync("goflow.tasks.pending", value => value is not null);
        await refresher.StopAsync(CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(gaugeBeforeStart, Is.Null);
            Assert.That(pending, Is.EqualTo(1));
            Assert.That(countedBeforeStart, Has.None.True);
        }
    }

    private TaskCountsRefresher CreateRefresher() =>
        new(_statistics.Object, _telemetry.Engine, _lifetime, _clock, NullLogger<TaskCountsRefresher>.Instance);

    private static TaskCounts Counts(long pending, long running, long waiting = 0) => new(
        new Dictionary<WorkflowTaskStatus, long>
        {
            [WorkflowTaskStatus.Pending] = pending,
            [WorkflowTaskStatus.Running] = running,
            [WorkflowTaskStatus.Waiting] = waiting,
        });

    private void CountsAre(params TaskCounts[] counts)
    {
        var remaining = new Queue<TaskCounts>(counts);
        _statistics.Setup(statistics => statistics.CountAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => remaining.Count > 1 ? remaining.Dequeue() : remaining.Peek());
    }

    /// <summary>What the gauge reports now: its value, or null when it reports nothing.</summary>
    private long? Gauge(string instrument)
    {
        using var collector = new MetricCollector<long>(_telemetry, EngineTelemetry.Name, instrument);
        collector.RecordObservableInstruments();
        var measurements = collector.GetMeasurementSnapshot();
        return measurements.Count == 0 ? null : measurements[^1].Value;
    }

    private async Task<long?> GaugeUntilAsync(string instrument, Func<long?, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = Gauge(instrument);
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > Deadline)
            {
                Assert.Fail($"{instrument} still reports {value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"}");
            }

            // A short pause between reads, not a wait standing in for the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }
    }

    /// <summary>A host lifetime whose start the test signals.</summary>
    private sealed class TestLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => _started.Cancel();

        public void StopApplication()
        {
        }

        public void Dispose() => _started.Dispose();
    }
}
