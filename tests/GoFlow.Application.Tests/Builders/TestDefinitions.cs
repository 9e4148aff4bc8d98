using GoFlow.Domain;
using GoFlow.Ports.Driven;
using Moq;

namespace GoFlow.Application.Tests.Builders;

internal static class TestDefinitions
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Retries wait 10 s, then 20 s; an attempt may take 1 s.</summary>
    public static readonly TaskPolicy Policy = new(
        MaxAttempts: 3,
        Timeout: TimeSpan.FromSeconds(1),
        new RetryBackoff(TimeSpan.FromSeconds(10), 2.0, TimeSpan.FromMinutes(1)));

    public static readonly WorkflowDefinition OrderProcess =
        new("OrderProcess", ["ValidateOrder", "DeductMoney", "SendEmail"], [Policy, Policy, Policy]);

    public static readonly WorkflowDefinition UserOnboarding =
        new("UserOnboarding", ["CreateAccount", "SendWelcomeEmail", "AssignRole"]);

    /// <summary>Its second step waits up to a day for the signal "approved".</summary>
    public static readonly WorkflowDefinition Approval = new(
        "Approval",
        ["Prepare", "AwaitApproval", "Ship"],
        [Policy, Policy, Policy],
        signals: new Dictionary<string, StepSignal> { ["AwaitApproval"] = new("approved", TimeSpan.FromDays(1)) });

    /// <summary>Pack, then a 10-minute wait, then a wait until the input's <c>ship_at</c>, then Ship.</summary>
    public static readonly WorkflowDefinition Shipping = new(
        "Shipping",
        ["Pack", "cool-off", "ship-day", "Ship"],
        [Policy, Policy, Policy, Policy],
        new Dictionary<string, StepWait>
        {
            ["cool-off"] = StepWait.ForDuration(TimeSpan.FromMinutes(10)),
            ["ship-day"] = StepWait.Until("ship_at"),
        });

    /// <summary>A definitions port that knows OrderProcess and UserOnboarding (listed), and Approval and Shipping (found by name).</summary>
    public static IWorkflowDefinitions Port()
    {
        var definitions = new Mock<IWorkflowDefinitions>();
        definitions.SetupGet(port => port.All).Returns([OrderProcess, UserOnboarding]);
        definitions.Setup(port => port.Find(It.IsAny<string>()))
            .Returns((string name) => new[] { OrderProcess, UserOnboarding, Approval, Shipping }.FirstOrDefault(d => d.Name == name));
        return definitions.Object;
    }
}
