using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="IScheduleStore"/>: a schedule's pause state and its latest fire, kept per name; a fire moves the record
/// on only when it is later, so hosts handling the same or an older fire leave it as the latest fire made it.
/// Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class ScheduleStoreContract : StorageContract
{
    private static readonly DateTimeOffset FireAt = TestTimes.Start.AddHours(1);
    private static readonly WorkflowId FirstWorkflow = new(Guid.Parse("01890a5d-ac96-7b5c-8000-000000000001"));
    private static readonly WorkflowId SecondWorkflow = new(Guid.Parse("01890a5d-ac96-7b5c-8000-000000000002"));

    private IScheduleStore Schedules => Storage.Schedules;

    [Test]
    public async Task ReadAllAsync_NothingWritten_IsEmpty()
    {
        Assert.That(await Schedules.ReadAllAsync(CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task SetPausedAsync_PauseThenResume_StoresEachStateAndKeepsTheFire()
    {
        await Schedules.RecordFireAsync("Nightly", FireAt, FirstWorkflow, FireAt, CancellationToken.None);

        await Schedules.SetPausedAsync("Nightly", paused: true, FireAt.AddMinutes(1), CancellationToken.None);
        var paused = (await Schedules.ReadAllAsync(CancellationToken.None))["Nightly"];
        await Schedules.SetPausedAsync("Nightly", paused: false, FireAt.AddMinutes(2), CancellationToken.None);
        var resumed = (await Schedules.ReadAllAsync(CancellationToken.None))["Nightly"];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(paused, Is.EqualTo(new ScheduleState("Nightly", true, FireAt, FirstWorkflow)));
            Assert.That(resumed, Is.EqualTo(new ScheduleState("Nightly", false, FireAt, FirstWorkflow)));
        }
    }

    [Test]
    public async Task SetPausedAsync_NoStateYet_CreatesItWithoutAFire()
    {
        await Schedules.SetPausedAsync("Hourly", paused: true, FireAt, CancellationToken.None);

        var states = await Schedules.ReadAllAsync(CancellationToken.None);

        Assert.That(states, Is.EquivalentTo(new Dictionary<string, ScheduleState>
        {
            ["Hourly"] = new("Hourly", true, null, null),
        }));
    }

    [Test]
    public async Task RecordFireAsync_LaterFire_MovesTheRecordOnAndKeepsThePauseState()
    {
        await Schedules.SetPausedAsync("Nightly", paused: true, FireAt, CancellationToken.None);
        await Schedules.RecordFireAsync("Nightly", FireAt, FirstWorkflow, FireAt, CancellationToken.None);
        await Schedules.RecordFireAsync("Nightly", FireAt.AddDays(1), SecondWorkflow, FireAt.AddDays(1), CancellationToken.None);

        var state = (await Schedules.ReadAllAsync(CancellationToken.None))["Nightly"];

        Assert.That(state, Is.EqualTo(new ScheduleState("Nightly", true, FireAt.AddDays(1), SecondWorkflow)));
    }

    [Test]
    public async Task RecordFireAsync_SameOrOlderFire_ChangesNothing()
    {
        await Schedules.RecordFireAsync("Nightly", FireAt, FirstWorkflow, FireAt, CancellationToken.None);

        await Schedules.RecordFireAsync("Nightly", FireAt, SecondWorkflow, FireAt.AddSeconds(1), CancellationToken.None);
        await Schedules.RecordFireAsync("Nightly", FireAt.AddDays(-1), SecondWorkflow, FireAt.AddSeconds(2), CancellationToken.None);

        var state = (await Schedules.ReadAllAsync(CancellationToken.None))["Nightly"];
        Assert.That(state, Is.EqualTo(new ScheduleState("Nightly", false, FireAt, FirstWorkflow)));
    }

    [Test]
    public async Task RecordFireAsync_SkippedFire_MovesTheFireOnAndKeepsThePreviousWorkflow()
    {
        await Schedules.RecordFireAsync("Nightly", FireAt, FirstWorkflow, FireAt, CancellationToken.None);

        await Schedules.RecordFireAsync("Nightly", FireAt.AddDays(1), workflowId: null, FireAt.AddDays(1), CancellationToken.None);

        var state = (await Schedules.ReadAllAsync(CancellationToken.None))["Nightly"];
        Assert.That(state, Is.EqualTo(new ScheduleState("Nightly", false, FireAt.AddDays(1), FirstWorkflow)));
    }

    [Test]
    public async Task RecordFireAsync_ManySchedules_KeepsEachApartWithMicrosecondTimes()
    {
        var precise = FireAt.AddTicks(1230);
        await Schedules.RecordFireAsync("a", precise, FirstWorkflow, FireAt, CancellationToken.None);
        await Schedules.RecordFireAsync("b", FireAt, workflowId: null, FireAt, CancellationToken.None);

        var states = await Schedules.ReadAllAsync(CancellationToken.None);

        Assert.That(states, Is.EquivalentTo(new Dictionary<string, ScheduleState>
        {
            ["a"] = new("a", false, precise, FirstWorkflow),
            ["b"] = new("b", false, FireAt, null),
        }));
    }

    [Test]
    public async Task RecordFireAsync_SameFireFromManyHostsAtOnce_EndsAsOneRecord()
    {
        var hosts = Enumerable.Range(0, 8).Select(host => Schedules.RecordFireAsync(
            "Nightly", FireAt, FirstWorkflow, FireAt.AddMilliseconds(host), CancellationToken.None));

        await Task.WhenAll(hosts);

        var states = await Schedules.ReadAllAsync(CancellationToken.None);
        Assert.That(states, Is.EquivalentTo(new Dictionary<string, ScheduleState>
        {
            ["Nightly"] = new("Nightly", false, FireAt, FirstWorkflow),
        }));
    }
}
