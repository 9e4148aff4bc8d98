using GoFlow.Application;
using GoFlow.Domain;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Testing.Tests.Examples;

// The README's "Testing your own workflows" example, kept compiling and passing here.
public sealed class RefundWorkflowTests
{
    [Test]
    public async Task Refund_PaymentsDownTwice_CompletesOnTheThirdAttempt()
    {
        var payments = new FlakyPayments(failures: 2);
        await using var goflow = await GoFlowTestHost.StartAsync(builder =>
        {
            builder.AddWorkflow("Refund", "CheckOrder", "IssueRefund");
            builder.Services.AddSingleton<IPayments>(payments);
            builder.Services.AddGoFlowTaskHandler<CheckOrder>("CheckOrder");
            builder.Services.AddGoFlowTaskHandler<IssueRefund>("IssueRefund");
        });

        var run = await goflow.RunAsync("Refund", """{"order_id": "A-1", "amount": 42}""");

        Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Completed));
        Assert.That(run.Task("IssueRefund").Attempts, Is.EqualTo(3)); // the backoff between them took no real time
        Assert.That(run.Task("IssueRefund").Output?["refunded"]?.GetValue<bool>(), Is.True);
        Assert.That(run.Actions, Has.Exactly(2).EqualTo("TASK_RETRY_SCHEDULED"));
    }

    [Test]
    public async Task Refund_NoAmount_FailsAtCheckOrderWithoutRetrying()
    {
        await using var goflow = await GoFlowTestHost.StartAsync(builder => builder
            .AddWorkflow("Refund", "CheckOrder", "IssueRefund")
            .AddTaskHandler<CheckOrder>("CheckOrder")
            .AddTaskHandler<IssueRefund>("IssueRefund"));

        var run = await goflow.RunAsync("Refund", """{"order_id": "A-1"}""");

        Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Failed));
        Assert.That(run.Task("CheckOrder").Attempts, Is.EqualTo(1));
        Assert.That(run.Task("CheckOrder").Error, Is.EqualTo("amount must be greater than 0."));
    }

    [Test]
    public async Task CheckOrder_NegativeAmount_FailsForGood()
    {
        var outcome = await TaskHandlerHarness.RunAsync(new CheckOrder(), """{"order_id": "A-1", "amount": -5}""");

        Assert.That(outcome.IsPermanentFailure, Is.True);
    }
}
