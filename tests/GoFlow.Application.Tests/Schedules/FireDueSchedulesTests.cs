using GoFlow.Application.Definitions;
using GoFlow.Application.Schedules;
using GoFlow.Application.Tests.Builders;
using GoFlow.Application.UseCases;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Application.Tests.Schedules;

/// <summary>The schedule policies against the ports: which fires start a workflow, under which key, and what is recorded.</summary>
public sealed class FireDueSchedulesTests
{
    private const string Name = "Nightly";

    // 02:00:30 UTC: the nightly fire (02:00) was 30 seconds ago.
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset Fire = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private static readonly WorkflowId Previous = WorkflowId.New(Fire.AddDays(-1));

    private readonly Mock<IScheduleStore> _store = new();
    private readonly Mock<IWorkflowRepository> _workflows = new();
    private readonly Mock<IStartWorkflow> _start = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly TestTelemetry _telemetry = new();
    private readonly List<StartWorkflowCommand> _started = [];

    [SetUp]
    public void StartsAnything() =>
        _start.Setup(start => start.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .Callback((StartWorkflowCommand command, CancellationToken _) => _started.Add(command))
            .ReturnsAsync(new StartWorkflowResult.Started(View(WorkflowId.New(Now), WorkflowStatus.Pending)));

    [TearDown]
    public void DisposeTelemetry() => _telemetry.Dispose();

    [Test]
    public async Task FireDueAsync_FireDueNow_StartsTheWorkflowUnderTheFiresKeyAndRecordsIt()
    {
        State(lastFire: Fire.AddDays(-1));

        var next = await FireAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_started.Select(command => (command.WorkflowName, command.IdempotencyKey)),
                Is.EqualTo(new[] { ("Report", (string?)"schedule:Nightly:2026-03-02T02:00:00Z") }));
            Assert.That(_started[0].InputPayload?.GetRawText(), Is.EqualTo("""{"scope":"daily"}"""));
            Assert.That(next, Is.EqualTo(Fire.AddDays(1)));
        }

        _store.Verify(store => store.RecordFireAsync(Name, Fire, It.Is<WorkflowId?>(id => id != null), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task FireDueAsync_AnotherHostStartedTheFire_RecordsItsWorkflow()
    {
        State(lastFire: Fire.AddDays(-1));
        var theirs = WorkflowId.New(Now);
        _start.Setup(start => start.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.AlreadyStarted(View(theirs, WorkflowStatus.Running)));

        await FireAsync();

        _store.Verify(store => store.RecordFireAsync(Name, Fire, theirs, It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task FireDueAsync_FireAlreadyRecorded_StartsNothing()
    {
        State(lastFire: Fire);

        await FireAsync();

        Assert.That(_started, Is.Empty);
        _store.Verify(store => store.RecordFireAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<WorkflowId?>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task FireDueAsync_Paused_SkipsTheFireAndRecordsItSoItIsNotMadeUpLater()
    {
        State(lastFire: Fire.AddDays(-1), paused: true);

        await FireAsync();

        Assert.That(_started, Is.Empty);
        _store.Verify(store => store.RecordFireAsync(Name, Fire, null, It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()));
    }

    [TestCase(ScheduleCatchUp.None, 0)]
    [TestCase(ScheduleCatchUp.One, 1)]
    public async Task FireDueAsync_ThreeFiresMissedWhileDown_StartsWhatTheCatchUpPolicySays(ScheduleCatchUp catchUp, int expected)
    {
        // Down from before the fire of three days ago until an hour after today's.
        State(lastFire: Fire.AddDays(-4));
        _clock.Advance(TimeSpan.FromHours(1));

        await FireAsync(options => options.CatchUp = catchUp.ToString());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_started, Has.Count.EqualTo(expected));
            Assert.That(_started.Select(command => command.IdempotencyKey), Has.All.EqualTo("schedule:Nightly:2026-03-02T02:00:00Z"),
                "one workflow for all the missed fires, as the latest of them");
        }

        _store.Verify(store => store.RecordFireAsync(Name, Fire, It.IsAny<WorkflowId?>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()));
    }

    [TestCase(ScheduleOverlap.Skip, WorkflowStatus.Running, 0)]
    [TestCase(ScheduleOverlap.Skip, WorkflowStatus.Pending, 0)]
    [TestCase(ScheduleOverlap.Skip, WorkflowStatus.Completed, 1)]
    [TestCase(ScheduleOverlap.Skip, WorkflowStatus.Failed, 1)]
    [TestCase(ScheduleOverlap.Allow, WorkflowStatus.Running, 1)]
    public async Task FireDueAsync_PreviousRunIn_StartsWhatTheOverlapPolicySays(ScheduleOverlap overlap, WorkflowStatus previous, int expected)
    {
        State(lastFire: Fire.AddDays(-1), lastWorkflow: Previous);
        _workflows.Setup(workflows => workflows.FindAsync(Previous, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WorkflowDetails(View(Previous, previous), []));

        await FireAsync(options => options.Overlap = overlap.ToString());

        Assert.That(_started, Has.Count.EqualTo(expected));
    }

    [Test]
    public async Task FireDueAsync_PreviousRunDeletedByRetention_Fires()
    {
        State(lastFire: Fire.AddDays(-1), lastWorkflow: Previous);

        await FireAsync();

        Assert.That(_started, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task FireDueAsync_NeverFiredBefore_CountsFromWhenTheRunnerStarted()
    {
        State(lastFire: null);

        await FireAsync(runningSince: Fire.AddSeconds(10));
        var before = _started.Count;
        await FireAsync(runningSince: Fire.AddSeconds(-10));

        Assert.That((before, _started.Count), Is.EqualTo((0, 1)), "a fire before the runner started is not made up");
    }

    private Task<DateTimeOffset?> FireAsync(Action<ScheduleOptions>? configure = null, DateTimeOffset? runningSince = null)
    {
        var options = new ScheduleOptions { Workflow = "Report", Cron = "0 2 * * *", Input = """{"scope":"daily"}""" };
        configure?.Invoke(options);
        var schedules = new ConfiguredSchedules(Options.Create(new SchedulesOptions { [Name] = options }));
        var useCase = new FireDueSchedules(schedules, _store.Object, _workflows.Object, _start.Object, _telemetry.Engine, _clock);
        return useCase.FireDueAsync(new FireDueSchedulesCommand(runningSince ?? Fire.AddDays(-30)), CancellationToken.None);
    }

    private void State(DateTimeOffset? lastFire, bool paused = false, WorkflowId? lastWorkflow = null) =>
        _store.Setup(store => store.ReadAllAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(lastFire is null && !paused
                ? new Dictionary<string, ScheduleState>()
                : new Dictionary<string, ScheduleState> { [Name] = new(Name, paused, lastFire, lastWorkflow) });

    private static WorkflowView View(WorkflowId id, WorkflowStatus status) => new(id, "Report", status, "{}", Now, Now);
}
