namespace GoFlow.Domain.Tests.Builders;

/// <summary>Builds a new workflow instance and its first task, as <see cref="WorkflowInstance.Create"/> makes them.</summary>
internal sealed class WorkflowBuilder
{
    private WorkflowDefinition _definition = Definitions.OrderProcess;
    private string _input = """{"order_id":"A-1","amount":10}""";

    public WorkflowBuilder For(WorkflowDefinition definition)
    {
        _definition = definition;
        return this;
    }

    public WorkflowBuilder WithInput(string input)
    {
        _input = input;
        return this;
    }

    public WorkflowInstance Build() => BuildWithFirstTask().Workflow;

    public (WorkflowInstance Workflow, WorkflowTask FirstTask) BuildWithFirstTask()
    {
        return WorkflowInstance.Create(_definition, _input, TestClock.Start);
    }
}

internal static class Definitions
{
    public static WorkflowDefinition OrderProcess { get; } =
        new("OrderProcess", ["ValidateOrder", "DeductMoney", "SendEmail"]);
}
