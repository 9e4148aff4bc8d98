using System.Globalization;
using GoFlow.Application.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using System.Diagnostics.Metrics;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// A schedule that fires every minute, run by the worker's schedule runner with the hosts' clock in the test's hand:
/// on MySQL two hosts share the database and the schedule, on SQLite (one host per file) one host runs it. The clock
/// moves a minute at a time; each fire must make exactly one workflow, and no fire may be left out.
/// </summary>
[TestFixture(Store.MySql, 2)]
[TestFixture(Store.Sqlite, 1)]
public sealed class ScheduleRunnerEndToEndTests(Store kind, int hostCount)
{
    private const string Schedule = "EveryMinute";
    private const int Fires = 6;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 5, 7, 30, 0, TimeSpan.Zero));
    private readonly List<TestHost> _hosts = [];
    private readonly List<MetricCollector<long>> _fires = [];
    private TestStore _store = null!;

    [OneTimeSetUp]
    public async Task StartHosts()
    {
        _store = await TestStore.CreateAsync(kind);
        for (var index = 0; index < hostCount; index++)
        {
            var host = await TestHost.StartAsync(
                _store,
                TestHost.ApiAndWorker,
                new Dictionary<string, string?>
                {
                    [$"Schedules:{Schedule}:Workflow"] = "OrderProcess",
                    [$"Schedules:{Schedule}:Cron"] = "* * * * *",
                    [$"Schedules:{Schedule}:Input"] = """{"order_id": "scheduled", "amount": 3}""",
                    [$"Schedules:{Schedule}:Overlap"] = "Allow",
                },
                services => services.AddSingleton<TimeProvider>(_clock));
            _hosts.Add(host);
            _fires.Add(new MetricCollector<long>(
                host.Services.GetRequiredService<IMeterFactory>(), EngineTelemetry.Name, "goflow.schedule.fires"));
        }
    }

    [OneTimeTearDown]
    public async Task StopHosts()
    {
        foreach (var fires in _fires)
        {
            fires.Dispose();
        }

        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await _store.DisposeAsync();
    }

    [Test]
    public async Task Runners_ClockMovesAMinuteAtATime_EachFireMakesExactlyOneWorkflow()
    {
        var start = _clock.GetUtcNow();
        for (var fire = 1; fire <= Fires; fire++)
        {
            var fireAt = start + TimeSpan.FromMinutes(fire);
            _clock.Advance(fireAt - _clock.GetUtcNow());
            var key = $"schedule:{Schedule}:{fireAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}";
            await Poll.UntilAsync(
                async () =>
                {
                    // A runner still setting its timer when the clock jumped sleeps a little past the fire: a second
                    // at a time (well within the minute a fire counts as on time) wakes it whenever it was set.
                    if (_clock.GetUtcNow() < fireAt + TimeSpan.FromSeconds(30))
                    {
                        _clock.Advance(TimeSpan.FromSeconds(1));
                    }

                    return await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE idempotency_key = @Key", new { Key = key });
                },
                count => count == 1,
                Timeout,
                $"the workflow of fire {fire} ({key})");
        }

        // Every host has measured what it started once the fires are in; a host still finishing a pass over an old fire
        // finds its key taken.
        var started = await Poll.UntilAsync(
            () => Task.FromResult(_fires.Sum(fires => fires.GetMeasurementSnapshot().Where(IsStarted).Sum(measurement => measurement.Value))),
            count => count >= Fires,
            Timeout,
            "the hosts' counts of started fires");
        TestContext.Progress.WriteLine($"ScheduleRunnerEndToEndTests ({kind}, {hostCount} hosts): " + string.Join("; ", _fires.Select(
            (fires, host) => $"host {host}: " + string.Join(", ", fires.GetMeasurementSnapshot()
                .GroupBy(measurement => measurement.Tags["outcome"]).Select(group => $"{group.Key} {group.Sum(m => m.Value)}")))));
        var scheduled = await _store.CountAsync(
            "SELECT COUNT(*) FROM workflow_instances WHERE idempotency_key LIKE @Prefix", new { Prefix = $"schedule:{Schedule}:%" });
        var all = await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(scheduled, Is.EqualTo(Fires), "one workflow per fire, none extra");
            Assert.That(all, Is.EqualTo(Fires), "nothing else started a workflow");
            Assert.That(started, Is.EqualTo(Fires), "no two hosts both started one fire");
        }
    }

    private static bool IsStarted(CollectedMeasurement<long> measurement) =>
        measurement.Tags["outcome"] as string == "started";
}
