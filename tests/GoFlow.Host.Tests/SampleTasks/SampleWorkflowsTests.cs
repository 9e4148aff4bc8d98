using GoFlow.Domain;
using GoFlow.Host.SampleTasks;
using GoFlow.Hosting;
using GoFlow.Testing;
using Microsoft.Extensions.Configuration;

namespace GoFlow.Host.Tests.SampleTasks;

/// <summary>
/// The sample workflows as the host defines them (in code, next to their handlers, with its appsettings.json over
/// them) with their real handlers, run by the users' test kit: the way a team tests its own workflows.
/// </summary>
public sealed class SampleWorkflowsTests
{
    private GoFlowTestHost _goflow = null!;

    [OneTimeSetUp]
    public async Task StartKit() => _goflow = await GoFlowTestHost.StartAsync(builder =>
    {
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false);
        new GoFlowBuilder(builder.Services, builder.Configuration).AddSampleWorkflows();
    });

    [OneTimeTearDown]
    public async Task StopKit() => await _goflow.DisposeAsync();

    [Test]
    public async Task OrderProcess_ValidOrder_CompletesWithEveryStepsData()
    {
        var run = await _goflow.RunAsync("OrderProcess", """{"order_id": "A-1", "amount": 42}""");

        Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Completed));
        Assert.That(run.CurrentInput.ToJsonString(),
            Is.EqualTo("""{"order_id":"A-1","amount":42,"validated":true,"charged_amount":42,"email_sent":true}"""));
    }

    [Test]
    public async Task OrderProcess_NegativeAmount_FailsAtValidateOrderOnItsFirstAttempt()
    {
        var run = await _goflow.RunAsync("OrderProcess", """{"order_id": "A-3", "amount": -5}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Failed));
            Assert.That(run.Tasks.Select(task => task.TaskName), Is.EqualTo(new[] { "ValidateOrder" }));
            Assert.That(run.Task("ValidateOrder").Attempts, Is.EqualTo(1), "a bad order is not retried");
            Assert.That(run.Task("ValidateOrder").Error, Does.StartWith("amount"));
        }
    }

    [Test]
    public async Task UserOnboarding_ValidEmail_CompletesAsAMember()
    {
        var run = await _goflow.RunAsync("UserOnboarding", """{"email": "ada@example.com"}""");

        Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Completed));
        Assert.That(run.CurrentInput["role"]?.GetValue<string>(), Is.EqualTo("member"));
        Assert.That(run.CurrentInput["welcome_email_sent"]?.GetValue<bool>(), Is.True);
    }
}
