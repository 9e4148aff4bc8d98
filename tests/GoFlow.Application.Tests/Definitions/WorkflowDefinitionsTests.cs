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
        var definitions = new ConfiguredWorkflowDefinitions(
            Options.Create(Configured(("UserOnboarding", ["CreateAccount"]), ("OrderProcess", ["ValidateOrder", "DeductMoney"]))),
            Options.Create(new TaskPolicyOptions()));

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

    [TestCase("")]
    [TestCase("   ")]
    public void Validate_BlankTaskName_FailsNamingTheWorkflow(string taskName)
    {
        var result = Validator("ValidateOrder").Validate(null, Configured(("OrderProcess", ["ValidateOrder", taskName])));

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Workflows:OrderProcess:Tasks has a blank task name"));
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

    [Test]
    public void ConfiguredWorkflowDefinitions_SettingsAtEachLevel_TaskWinsOverWorkflowOverWorker()
    {
        var workflows = Configured(("OrderProcess", ["ValidateOrder", "DeductMoney", "SendEmail"]));
        var orderProcess = workflows["OrderProcess"];
        orderProcess.MaxAttempts = 5;
        orderProcess.RetryBaseDelay = TimeSpan.FromSeconds(3);
        orderProcess.TaskSettings["DeductMoney"] = new TaskPolicyOverrides { MaxAttempts = 10, TaskTimeout = TimeSpan.FromSeconds(7) };
        var worker = new TaskPolicyOptions { MaxAttempts = 2, TaskTimeout = TimeSpan.FromMinutes(1), RetryMaxDelay = TimeSpan.FromMinutes(2) };

        var steps = new ConfiguredWorkflowDefinitions(Options.Create(workflows), Options.Create(worker))
            .Find("OrderProcess")!.Steps;

        Assert.Multiple(() =>
        {
            Assert.That(steps[0].Policy.MaxAttempts, Is.EqualTo(5), "the workflow's value");
            Assert.That(steps[1].Policy.MaxAttempts, Is.EqualTo(10), "the task's value");
            Assert.That(steps[1].Policy.Timeout, Is.EqualTo(TimeSpan.FromSeconds(7)), "the task's value");
            Assert.That(steps[2].Policy.Timeout, Is.EqualTo(TimeSpan.FromMinutes(1)), "the Worker section's value");
            Assert.That(steps[2].Policy.Backoff.BaseDelay, Is.EqualTo(TimeSpan.FromSeconds(3)), "the workflow's value");
            Assert.That(steps[2].Policy.Backoff.MaxDelay, Is.EqualTo(TimeSpan.FromMinutes(2)), "the Worker section's value");
        });
    }

    [Test]
    public void Validate_TaskSettingsForAnUnknownTask_FailsNamingIt()
    {
        var workflows = Configured(("OrderProcess", ["ValidateOrder"]));
        workflows["OrderProcess"].TaskSettings["DeductMoney"] = new TaskPolicyOverrides { MaxAttempts = 2 };

        var result = Validator("ValidateOrder").Validate(null, workflows);

        Assert.That(result.FailureMessage, Does.Contain("TaskSettings names 'DeductMoney'"));
    }

    [Test]
    public void Validate_RetrySettingThatBreaksARule_FailsNamingTheWorkflow()
    {
        var workflows = Configured(("OrderProcess", ["ValidateOrder"]));
        workflows["OrderProcess"].RetryMaxDelay = TimeSpan.FromMilliseconds(1);

        var result = Validator("ValidateOrder").Validate(null, workflows);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Workflows:OrderProcess has an invalid retry, timeout or signal setting"));
    }

    [Test]
    public void Validate_ASignalStepWithoutAHandler_SucceedsAndTheDefinitionWaitsThere()
    {
        var workflows = Configured(("Approval", ["Prepare", "AwaitApproval"]));
        workflows["Approval"].Signals["AwaitApproval"] = new SignalStepOptions { Name = "approved", Timeout = TimeSpan.FromDays(2) };

        var result = Validator("Prepare").Validate(null, workflows);
        var definition = TaskPolicies.ToDefinition("Approval", workflows["Approval"], new TaskPolicyOptions());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Succeeded, Is.True, result.FailureMessage);
            Assert.That(definition.Steps[1].Kind, Is.EqualTo(GoFlow.Domain.StepKind.Signal));
            Assert.That(definition.StepAwaiting("approved"), Is.EqualTo(definition.Steps[1]));
            Assert.That(definition.Steps[0].Kind, Is.EqualTo(GoFlow.Domain.StepKind.Task));
        }
    }

    [TestCase(null, "2.00:00:00", "has no Name")]
    [TestCase("approved", null, "has no Timeout")]
    [TestCase("not ok", "2.00:00:00", "A signal name is")]
    [TestCase("approved", "00:00:00.5", "timeout is between")]
    [TestCase("approved", "400.00:00:00", "timeout is between")]
    public void Validate_ASignalSettingThatBreaksARule_FailsNamingTheWorkflow(string? name, string? timeout, string reason)
    {
        var workflows = Configured(("Approval", ["AwaitApproval"]));
        workflows["Approval"].Signals["AwaitApproval"] = new SignalStepOptions
        {
            Name = name,
            Timeout = timeout is null ? null : TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture),
        };

        var result = Validator().Validate(null, workflows);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Workflows:Approval has an invalid retry, timeout or signal setting").And.Contain(reason));
    }

    [Test]
    public void Validate_TwoStepsWaitingForOneSignal_Fails()
    {
        var workflows = Configured(("Approval", ["First", "Second"]));
        workflows["Approval"].Signals["First"] = new SignalStepOptions { Name = "approved", Timeout = TimeSpan.FromHours(1) };
        workflows["Approval"].Signals["Second"] = new SignalStepOptions { Name = "approved", Timeout = TimeSpan.FromHours(1) };

        var result = Validator().Validate(null, workflows);

        Assert.That(result.FailureMessage, Does.Contain("more than one step waiting for signal 'approved'"));
    }

    [Test]
    public void Validate_SignalsForAnUnknownStep_FailsNamingIt()
    {
        var workflows = Configured(("Approval", ["Prepare"]));
        workflows["Approval"].Signals["AwaitApproval"] = new SignalStepOptions { Name = "approved", Timeout = TimeSpan.FromHours(1) };

        var result = Validator("Prepare").Validate(null, workflows);

        Assert.That(result.FailureMessage, Does.Contain("Signals names 'AwaitApproval'"));
    }

    [Test]
    public void Validate_WaitSteps_NeedNoHandlerAndBecomeWaits()
    {
        var workflows = Configured(("Shipping", ["Pack", "cool-off", "ship-day"]));
        workflows["Shipping"].Waits["cool-off"] = new WaitOptions { For = TimeSpan.FromMinutes(10) };
        workflows["Shipping"].Waits["ship-day"] = new WaitOptions { UntilField = "ship_at" };

        var result = Validator("Pack").Validate(null, workflows);
        var definition = new ConfiguredWorkflowDefinitions(Options.Create(workflows), Options.Create(new TaskPolicyOptions())).Find("Shipping")!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Succeeded, Is.True, result.FailureMessage);
            Assert.That(definition.Steps.Select(step => step.Wait?.For), Is.EqualTo(new TimeSpan?[] { null, TimeSpan.FromMinutes(10), null }));
            Assert.That(definition.Steps[2].Wait!.UntilField, Is.EqualTo("ship_at"));
        }
    }

    [TestCase(null, null, "exactly one of For and UntilField")]
    [TestCase("00:10:00", "ship_at", "exactly one of For and UntilField")]
    [TestCase("00:00:00", null, "more than zero")]
    [TestCase("367.00:00:00", null, "at most 366 days")]
    [TestCase(null, " ", "needs the name of the input field")]
    public void Validate_WaitSettingsBreakARule_FailsNamingTheWait(string? duration, string? untilField, string reason)
    {
        var workflows = Configured(("Shipping", ["Pack", "cool-off"]));
        workflows["Shipping"].Waits["cool-off"] = new WaitOptions
        {
            For = duration is null ? null : TimeSpan.Parse(duration, System.Globalization.CultureInfo.InvariantCulture),
            UntilField = untilField,
        };

        var result = Validator("Pack").Validate(null, workflows);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Workflows:Shipping:Waits:cool-off is invalid").And.Contain(reason));
    }

    [Test]
    public void Validate_StepUnderBothWaitsAndSignals_FailsNamingIt()
    {
        var workflows = Configured(("Shipping", ["Pack", "hold"]));
        workflows["Shipping"].Waits["hold"] = new WaitOptions { For = TimeSpan.FromMinutes(10) };
        workflows["Shipping"].Signals["hold"] = new SignalStepOptions { Name = "released", Timeout = TimeSpan.FromHours(1) };

        var result = Validator("Pack").Validate(null, workflows);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Workflows:Shipping has an invalid").And.Contain("'hold'").And.Contain("at most one"));
    }

    [Test]
    public void Validate_WaitThatIsNotAStep_FailsNamingIt()
    {
        var workflows = Configured(("Shipping", ["Pack"]));
        workflows["Shipping"].Waits["cool-of"] = new WaitOptions { For = TimeSpan.FromMinutes(10) };

        var result = Validator("Pack").Validate(null, workflows);

        Assert.That(result.FailureMessage, Does.Contain("Workflows:Shipping:Waits names 'cool-of', which is not one of its tasks"));
    }

    private static WorkflowsOptionsValidator Validator(params string[] handledTasks)
    {
        var keyed = new Mock<IServiceProviderIsKeyedService>();
        keyed.Setup(k => k.IsKeyedService(typeof(ITaskHandler), It.IsAny<object?>()))
            .Returns((Type _, object? key) => handledTasks.Contains(key as string));
        return new WorkflowsOptionsValidator(keyed.Object, Options.Create(new TaskPolicyOptions()));
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
