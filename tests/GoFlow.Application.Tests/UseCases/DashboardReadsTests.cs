using GoFlow.Application.Tests.Builders;
using GoFlow.Application.UseCases;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Application.Tests.UseCases;

/// <summary>The overview's reads and the search by id or Idempotency-Key.</summary>
public sealed class DashboardReadsTests
{
    private static readonly DateTimeOffset HourAgo = TestDefinitions.Now.AddHours(-1);

    private readonly Mock<IWorkflowStatistics> _statistics = new();
    private readonly Mock<IRetentionPolicy> _retention = new();
    private readonly Mock<IWorkflowSummaries> _summaries = new();
    private readonly FakeTimeProvider _clock = new(TestDefinitions.Now);

    [SetUp]
    public void StubStatistics()
    {
        _statistics.Setup(s => s.CountByStatusAsync(GetWorkflowOverview.CountCap, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<WorkflowStatus, CappedCount>
            {
                [WorkflowStatus.Pending] = new(4, Capped: false),
                [WorkflowStatus.Running] = new(1, Capped: false),
                [WorkflowStatus.Completed] = new(GetWorkflowOverview.CountCap, Capped: true),
                [WorkflowStatus.Failed] = new(7, Capped: false),
                [WorkflowStatus.Cancelled] = new(2, Capped: false),
            });
        _statistics.Setup(s => s.WorkflowsCompletedPerMinuteAsync(HourAgo, GetWorkflowOverview.ThroughputCap, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CompletionsPerMinute([new MinuteCount(HourAgo, 3)], Capped: false));
        _statistics.Setup(s => s.StepsCompletedPerMinuteAsync(
                HourAgo, HourAgo - GetWorkflowOverview.StepsQueuedWithin, GetWorkflowOverview.ThroughputCap, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CompletionsPerMinute([new MinuteCount(HourAgo, 9)], Capped: false));
        _statistics.Setup(s => s.CountChangedAsync(
                new[] { WorkflowStatus.Failed }, HourAgo, null, GetWorkflowOverview.CountCap, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CappedCount(5, Capped: false));
    }

    [Test]
    public async Task GetAsync_RetentionOn_ReadsTheLastHourAndTheWorkflowsOlderThanTheRetentionAge()
    {
        _retention.Setup(r => r.Setting).Returns(new RetentionSetting(Enabled: true, TimeSpan.FromDays(7)));
        _statistics.Setup(s => s.CountChangedAsync(
                new[] { WorkflowStatus.Completed, WorkflowStatus.Failed, WorkflowStatus.Cancelled },
                null, TestDefinitions.Now.AddDays(-7), GetWorkflowOverview.CountCap, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CappedCount(6, Capped: false));

        var overview = await Overview().GetAsync(CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(overview.At, Is.EqualTo(TestDefinitions.Now));
            Assert.That(overview.FailedLastHour, Is.EqualTo(new CappedCount(5, Capped: false)));
            Assert.That(overview.WorkflowsCompleted.Minutes.Single().Count, Is.EqualTo(3));
            Assert.That(overview.StepsCompleted.Minutes.Single().Count, Is.EqualTo(9));
            Assert.That(overview.FinishedKept, Is.EqualTo(new CappedCount(GetWorkflowOverview.CountCap + 9, Capped: true)),
                "the finished statuses' counts, capped because one of them is");
            Assert.That(overview.FinishedDueForDeletion, Is.EqualTo(new CappedCount(6, Capped: false)));
            Assert.That(overview.Retention, Is.EqualTo(new RetentionSetting(true, TimeSpan.FromDays(7))));
        }
    }

    [TestCase(false, TestName = "GetAsync_RetentionOff_CountsNothingDueForDeletion")]
    [TestCase(null, TestName = "GetAsync_RetentionUnknown_CountsNothingDueForDeletion")]
    public async Task GetAsync_NoSweep_CountsNothingDueForDeletion(bool? enabled)
    {
        _retention.Setup(r => r.Setting).Returns(enabled is { } on ? new RetentionSetting(on, TimeSpan.FromDays(7)) : null);

        var overview = await Overview().GetAsync(CancellationToken.None);

        Assert.That(overview.FinishedDueForDeletion, Is.Null);
        _statistics.Verify(s => s.CountChangedAsync(
            It.IsAny<IReadOnlyCollection<WorkflowStatus>>(), null, It.IsAny<DateTimeOffset?>(), It.IsAny<int>(), It.IsAny<CancellationToken>()),
            Times.Never);
    }

    [Test]
    public async Task FindAsync_TextIsAnIdOfAWorkflow_FindsItById()
    {
        var id = WorkflowId.New(TestDefinitions.Now);
        var summary = Summary(id);
        _summaries.Setup(s => s.FindAsync(id, It.IsAny<CancellationToken>())).ReturnsAsync(summary);

        var found = await new FindWorkflow(_summaries.Object).FindAsync(new FindWorkflowQuery(id.ToString()), CancellationToken.None);

        Assert.That(found, Is.EqualTo(summary));
        _summaries.Verify(s => s.FindByIdempotencyKeyAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task FindAsync_IdOfNoWorkflow_TriesTheSameTextAsAKey()
    {
        var id = WorkflowId.New(TestDefinitions.Now);
        var keyed = Summary(WorkflowId.New(TestDefinitions.Now));
        _summaries.Setup(s => s.FindByIdempotencyKeyAsync(id.ToString(), It.IsAny<CancellationToken>())).ReturnsAsync(keyed);

        var found = await new FindWorkflow(_summaries.Object).FindAsync(new FindWorkflowQuery(id.ToString()), CancellationToken.None);

        Assert.That(found, Is.EqualTo(keyed));
    }

    [Test]
    public async Task FindAsync_TextThatIsNoId_LooksItUpAsAKeyOnly()
    {
        var keyed = Summary(WorkflowId.New(TestDefinitions.Now));
        _summaries.Setup(s => s.FindByIdempotencyKeyAsync("order-7", It.IsAny<CancellationToken>())).ReturnsAsync(keyed);

        var found = await new FindWorkflow(_summaries.Object).FindAsync(new FindWorkflowQuery("order-7"), CancellationToken.None);

        Assert.That(found, Is.EqualTo(keyed));
        _summaries.Verify(s => s.FindAsync(It.IsAny<WorkflowId>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    private GetWorkflowOverview Overview() => new(_statistics.Object, _retention.Object, _clock);

    private static WorkflowSummary Summary(WorkflowId id) =>
        new(id, "OrderProcess", WorkflowStatus.Pending, TestDefinitions.Now, TestDefinitions.Now);
}
