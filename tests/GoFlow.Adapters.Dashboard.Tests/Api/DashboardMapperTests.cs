using GoFlow.Adapters.Dashboard.Api;
using GoFlow.Domain;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Dashboard.Tests.Api;

public sealed class DashboardMapperTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    [TestCase(WorkflowStatus.Pending, true, false, false)]
    [TestCase(WorkflowStatus.Running, true, false, false)]
    [TestCase(WorkflowStatus.Completed, false, false, true)]
    [TestCase(WorkflowStatus.Failed, false, true, true)]
    [TestCase(WorkflowStatus.Cancelled, false, true, true)]
    public void ToResponse_Status_OffersTheActionsTheDomainAllows(
        WorkflowStatus status, bool canCancel, bool canRetry, bool finished)
    {
        var details = new WorkflowDetails(
            new WorkflowView(WorkflowId.New(Now), "OrderProcess", status, "{}", Now, Now), []);

        var response = DashboardMapper.ToResponse(details, []);

        Assert.That(response.CanCancel, Is.EqualTo(canCancel));
        Assert.That(response.CanRetry, Is.EqualTo(canRetry));
        Assert.That(response.Finished, Is.EqualTo(finished));
    }

    [Test]
    public void ToResponse_Overview_WritesEveryStatusAndKeepsTheCaps()
    {
        var counts = new Dictionary<WorkflowStatus, CappedCount>
        {
            [WorkflowStatus.Completed] = new(10_000, Capped: true),
            [WorkflowStatus.Failed] = new(3, Capped: false),
        };
        var overview = new WorkflowOverview(
            Now,
            counts,
            new CompletionsPerMinute([new MinuteCount(Now.AddMinutes(-1), 7)], Capped: false),
            new CompletionsPerMinute([], Capped: true),
            TimeSpan.FromHours(1),
            new CappedCount(2, Capped: false),
            new RetentionSetting(Enabled: true, TimeSpan.FromDays(7)),
            new CappedCount(10_003, Capped: true),
            new CappedCount(0, Capped: false));

        var response = DashboardMapper.ToResponse(overview, [new WorkflowDefinition("OrderProcess", ["A", "B"])]);

        Assert.That(response.CountsByStatus.Keys, Is.EquivalentTo(new[] { "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED" }));
        Assert.That(response.CountsByStatus["COMPLETED"], Is.EqualTo(new CountResponse(10_000, Capped: true)));
        Assert.That(response.CountsByStatus["PENDING"], Is.EqualTo(new CountResponse(0, Capped: false)));
        Assert.That(response.WorkflowsCompleted.Minutes.Single().Count, Is.EqualTo(7));
        Assert.That(response.StepsCompleted.Capped, Is.True);
        Assert.That(response.Retention, Is.EqualTo(new RetentionResponse(Enabled: true, TimeSpan.FromDays(7).TotalSeconds)));
        Assert.That(response.Definitions.Single().Steps, Is.EqualTo(new[] { "A", "B" }));
    }
}
