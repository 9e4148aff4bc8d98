using GoFlow.Domain.Tests.Builders;

namespace GoFlow.Domain.Tests;

/// <summary>
/// <see cref="WorkflowInstance.CanCancel"/> and <see cref="WorkflowInstance.CanRetry"/>, which a page asks before it
/// offers a button, say exactly what the transitions allow, for every status.
/// </summary>
public sealed class OperatorActionsTests
{
    private static IEnumerable<WorkflowStatus> Statuses() => Enum.GetValues<WorkflowStatus>();

    [TestCaseSource(nameof(Statuses))]
    public void CanCancel_AnyStatus_SaysWhetherCancelSucceeds(WorkflowStatus status)
    {
        var workflow = InStatus(status);

        Assert.That(WorkflowInstance.CanCancel(status), Is.EqualTo(Succeeds(() => workflow.Cancel(TestClock.Later(1)))));
    }

    [TestCaseSource(nameof(Statuses))]
    public void CanRetry_AnyStatus_SaysWhetherRetrySucceeds(WorkflowStatus status)
    {
        var workflow = InStatus(status);

        Assert.That(WorkflowInstance.CanRetry(status), Is.EqualTo(Succeeds(() => workflow.Retry(TestClock.Later(1)))));
    }

    // The builder has no CANCELLED workflow: one is made the way production makes one, by cancelling a PENDING one.
    private static WorkflowInstance InStatus(WorkflowStatus status)
    {
        if (status != WorkflowStatus.Cancelled)
        {
            return new WorkflowBuilder().InStatus(status).Build();
        }

        var workflow = new WorkflowBuilder().InStatus(WorkflowStatus.Pending).Build();
        workflow.Cancel(TestClock.Later(0));
        return workflow;
    }

    private static bool Succeeds(Action transition)
    {
        try
        {
            transition();
            return true;
        }
        catch (DomainException)
        {
            return false;
        }
    }
}
