using GoFlow.Domain;
using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoFlow.Application.Tests.Definitions;

/// <summary>Workflows defined in code (AddGoFlowWorkflow): handlers from DI, configuration still in charge.</summary>
public sealed class CodeWorkflowDefinitionsTests
{
    [Test]
    public void AddGoFlowWorkflow_Steps_DefinesTheWorkflowAndResolvesItsHandlers()
    {
        using var provider = Provider(services => services.AddGoFlowWorkflow(
            "Refund", workflow => workflow.Step<Approve>().Step<PayBack>("Pay", policy => policy.MaxAttempts = 7)));

        var refund = provider.GetRequiredService<IWorkflowDefinitions>().Find("Refund")!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refund.TaskNames, Is.EqualTo(new[] { "Approve", "Pay" }));
            Assert.That(refund.Steps[1].Policy.MaxAttempts, Is.EqualTo(7));
            Assert.That(provider.GetRequiredKeyedService<ITaskHandler>("Pay"), Is.InstanceOf<PayBack>());
        }
    }

    [Test]
    public void AddGoFlowWorkflow_WaitForSignal_DefinesASignalStepThatNeedsNoHandler()
    {
        using var provider = Provider(services => services.AddGoFlowWorkflow(
            "Refund", workflow => workflow.Step<Approve>().WaitForSignal("AwaitPayout", "paid", TimeSpan.FromHours(6)).Step<PayBack>()));

        var refund = provider.GetRequiredService<IWorkflowDefinitions>().Find("Refund")!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refund.TaskNames, Is.EqualTo(new[] { "Approve", "AwaitPayout", "PayBack" }));
            Assert.That(refund.Steps[1].Signal, Is.EqualTo(new GoFlow.Domain.StepSignal("paid", TimeSpan.FromHours(6))));
            Assert.That(provider.GetKeyedService<ITaskHandler>("AwaitPayout"), Is.Null);
        }
    }

    [Test]
    public void AddGoFlowWorkflow_WaitSteps_AreWaitsThatNeedNoHandler()
    {
        using var provider = Provider(services => services.AddGoFlowWorkflow(
            "Refund",
            workflow => workflow.Step<Approve>().Wait("cool-off", TimeSpan.FromMinutes(10)).WaitUntil("pay-day", "pay_at").Step<PayBack>()));

        var refund = provider.GetRequiredService<IWorkflowDefinitions>().Find("Refund")!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refund.TaskNames, Is.EqualTo(new[] { "Approve", "cool-off", "pay-day", "PayBack" }));
            Assert.That(refund.Steps.Select(step => step.Kind), Is.EqualTo(new[] { StepKind.Task, StepKind.Wait, StepKind.Wait, StepKind.Task }));
            Assert.That(refund.Steps[1].Wait!.For, Is.EqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(refund.Steps[2].Wait!.UntilField, Is.EqualTo("pay_at"));
        }
    }

    [Test]
    public void AddGoFlowWorkflow_SectionSetsAWaitOfTheSameName_ConfigurationWins()
    {
        using var provider = Provider(
            services => services.AddGoFlowWorkflow("Refund", workflow => workflow.Wait("cool-off", TimeSpan.FromMinutes(10)).Step<PayBack>()),
            ("Workflows:Refund:Waits:cool-off:For", "00:00:30"));

        Assert.That(provider.GetRequiredService<IWorkflowDefinitions>().Find("Refund")!.Steps[0].Wait!.For, Is.EqualTo(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void AddGoFlowWorkflow_SectionOfTheSameName_ConfigurationWins()
    {
        using var provider = Provider(
            services => services.AddGoFlowWorkflow("Refund", workflow => workflow.Step<Approve>().Step<PayBack>()),
            ("Workflows:Refund:Tasks:0", "PayBack"));

        Assert.That(provider.GetRequiredService<IWorkflowDefinitions>().Find("Refund")!.TaskNames, Is.EqualTo(new[] { "PayBack" }));
    }

    [Test]
    public void AddGoFlowWorkflow_SectionWithOnlyAPolicy_KeepsTheStepsAndTakesThePolicy()
    {
        using var provider = Provider(
            services => services.AddGoFlowWorkflow("Refund", workflow => workflow.Step<Approve>().Step<PayBack>()),
            ("Workflows:Refund:MaxAttempts", "9"));

        var refund = provider.GetRequiredService<IWorkflowDefinitions>().Find("Refund")!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refund.TaskNames, Is.EqualTo(new[] { "Approve", "PayBack" }));
            Assert.That(refund.Steps.Select(step => step.Policy.MaxAttempts), Is.All.EqualTo(9));
        }
    }

    [Test]
    public void AddGoFlowWorkflow_NoSteps_FailsAtStartNamingTheWorkflow()
    {
        using var provider = Provider(services => services.AddGoFlowWorkflow("Refund", _ => { }));

        Assert.That(
            () => provider.GetRequiredService<IWorkflowDefinitions>(),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("Workflows:Refund:Tasks is empty"));
    }

    [Test]
    public void AddGoFlowWorkflow_TaskNameTakenByAnotherHandler_IsRefused()
    {
        var services = new ServiceCollection().AddGoFlowWorkflow("Refund", workflow => workflow.Step<Approve>());

        Assert.That(
            () => services.AddGoFlowWorkflow("Return", workflow => workflow.Step<PayBack>("Approve")),
            Throws.InvalidOperationException.With.Message.Contains("Task 'Approve' is handled by Approve"));
    }

    [Test]
    public void AddGoFlowWorkflow_SameNameTwice_IsRefused()
    {
        var services = new ServiceCollection().AddGoFlowWorkflow("Refund", workflow => workflow.Step<Approve>());

        Assert.That(
            () => services.AddGoFlowWorkflow("Refund", workflow => workflow.Step<Approve>()),
            Throws.InvalidOperationException.With.Message.Contains("'Refund' is defined in code twice"));
    }

    private static ServiceProvider Provider(Action<IServiceCollection> define, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(setting => setting.Key, setting => (string?)setting.Value))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddGoFlowApplication();
        define(services);
        return services.BuildServiceProvider();
    }

    private sealed class Approve : ITaskHandler
    {
        public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken) => Task.FromResult(input);
    }

    private sealed class PayBack : ITaskHandler
    {
        public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken) => Task.FromResult(input);
    }
}
