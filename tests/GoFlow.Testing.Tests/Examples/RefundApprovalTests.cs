using GoFlow.Application;
using GoFlow.Application.Definitions;
using GoFlow.Domain;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Testing.Tests.Examples;

// The README's example of a workflow that waits for a signal (ADR 0020), kept compiling and passing here: a refund
// waits up to two days for a person's approval.
public sealed class RefundApprovalTests
{
    [Test]
    public async Task Refund_ApprovedWhileItWaits_IssuesTheRefundWithTheApprover()
    {
        await using var goflow = await StartAsync();
        var id = await goflow.StartWorkflowAsync("Refund", """{"order_id": "A-1", "amount": 42}""");

        var waiting = await goflow.RunUntilWaitingForSignalAsync(id);      // stops at the step that waits
        await goflow.SignalAsync(id, "approved", """{"approved_by": "ann"}"""); // as POST /workflows/{id}/signals/approved
        var run = await goflow.RunUntilFinishedAsync(id);

        Assert.That(waiting.Task("AwaitApproval").Status, Is.EqualTo(WorkflowTaskStatus.Waiting));
        Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Completed));
        Assert.That(run.Task("IssueRefund").Input["approved_by"]?.GetValue<string>(), Is.EqualTo("ann"));
    }

    [Test]
    public async Task Refund_NeverApproved_FailsAfterTwoDaysOfFakeTime()
    {
        await using var goflow = await StartAsync();

        var run = await goflow.RunAsync("Refund", """{"order_id": "A-1", "amount": 42}""");

        Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Failed));
        Assert.That(run.Task("AwaitApproval").Error, Is.EqualTo("No signal arrived before the step's timeout."));
    }

    private static Task<GoFlowTestHost> StartAsync() =>
        GoFlowTestHost.StartAsync(builder =>
        {
            builder.AddWorkflow("Refund", new WorkflowOptions
            {
                Tasks = ["CheckOrder", "AwaitApproval", "IssueRefund"],
                Signals = { ["AwaitApproval"] = new SignalStepOptions { Name = "approved", Timeout = TimeSpan.FromDays(2) } },
            });
            builder.Services.AddSingleton<IPayments>(new FlakyPayments(failures: 0));
            builder.Services.AddGoFlowTaskHandler<CheckOrder>("CheckOrder");
            builder.Services.AddGoFlowTaskHandler<IssueRefund>("IssueRefund");
        });
}
