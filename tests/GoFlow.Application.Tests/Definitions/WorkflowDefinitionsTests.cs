using GoFlow.Application.Definitions;
using GoFlow.Ports.Driven;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;

namespace GoFlow.Application.Tests.Definitions;

public sealed class WorkflowDefinitionsTests
{
    [Test]
    public void ConfiguredWorkflowDefinitions_Always_ListsByNameAndFindsCaseSensitively()
    {
        var definitions = new ConfiguredWorkflowDefinitions(Options.Create(Configured(
            ("UserOnboarding", ["CreateAccount"]),
            ("OrderProcess", ["ValidateOrder", "DeductMoney"]))));

        Assert.Multiple(() =>
        {
            Assert.That(definitions.All.Select(d => d.Name), Is.EqualTo(new[] { "OrderProcess", "UserOnboarding" }));
            Assert.That(definitions.Find("OrderProcess")!.TaskNames, Is.EqualTo(new[] { "ValidateOrder", "DeductMoney" }));
            Assert.That(definitions.Find("orderprocess"), Is.Null);
        });
    }

    [Test]
    public void Validate_EveryTaskHasAHandler_Succeeds()
    {
        var result = Validator("ValidateOrder").Validate(null, Configured(("OrderProcess", ["ValidateOrder"])));

        Assert.That(result.Succeeded, Is.True);
    }

    [Test]
    public void Validate_TaskWithoutHandler_FailsNamingWorkflowAndTask()
    {
        var result = Validator("ValidateOrder").Validate(null, Configured(("OrderProcess", ["ValidateOrder", "DeductMoney"])));

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("OrderProcess").And.Contain("'DeductMoney'"));
    }

    [Test]
    public void Validate_EmptyDefinition_FailsNamingTheWorkflow()
    {
        var result = Validator().Validate(null, Configured(("OrderProcess", [])));

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Workflows:OrderProcess:Tasks is empty"));
    }

    [Test]
    public void AddGoFlowApplication_DefinitionNamesAMissingHandler_StopsResolvingTheOptions()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Workflows:OrderProcess:Tasks:0"] = "Missing" })
            .Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddGoFlowApplication()
            .BuildServiceProvider();

        Assert.That(
            () => services.GetRequiredService<IWorkflowDefinitions>(),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("'Missing'"));
    }

    private static WorkflowsOptionsValidator Validator(params string[] handledTasks)
    {
        var keyed = new Mock<IServiceProviderIsKeyedService>();
        keyed.Setup(k => k.IsKeyedService(typeof(ITaskHandler), It.IsAny<object?>()))
            .Returns((Type _, object? key) => handledTasks.Contains(key as string));
        return new WorkflowsOptionsValidator(keyed.Object);
    }

    private static WorkflowsOptions Configured(params (string Name, string[] Tasks)[] workflows)
    {
        var options = new WorkflowsOptions();
        foreach (var (name, tasks) in workflows)
        {
            options[name] = new WorkflowOptions { Tasks = [.. tasks] };
        }

        return options;
    }
}
