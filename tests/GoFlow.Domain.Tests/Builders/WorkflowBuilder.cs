namespace GoFlow.Domain.Tests.Builders;

/// <summary>
/// Builds a workflow instance in any status. Aggregates have no public setters, so the builder reaches a status
/// the only way production code can: through the legal transitions.
/// </summary>
internal sealed class WorkflowBuilder
{
    public const string RunningInput = """{"step":1}""";
    public const string FinalOutput = """{"done":true}""";

    private WorkflowDefinition _definition = Definitions.OrderProcess;
    private string _input = """{"order_id":"A-1","amount":10}""";
    private WorkflowStatus _status = WorkflowStatus.Pending;

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

    public WorkflowBuilder InStatus(WorkflowStatus status)
    {
        _status = status;
        return this;
    }

    public WorkflowInstance Build() => BuildWithFirstTask().Workflow;

    public (WorkflowInstance Workflow, WorkflowTask FirstTask) BuildWithFirstTask()
    {
        var (workflow, firstTask) = WorkflowInstance.Create(_definition, _input, TestClock.Start);
        switch (_status)
        {
            case WorkflowStatus.Pending:
                break;
            case WorkflowStatus.Running:
                workflow.Start(TestClock.Later(1));
                break;
            case WorkflowStatus.Completed:
                workflow.Start(TestClock.Later(1));
                workflow.Complete(FinalOutput, TestClock.Later(2));
                break;
            case WorkflowStatus.Failed:
                workflow.Start(TestClock.Later(1));
                workflow.Fail(TestClock.Later(2));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(_status), _status, "No way to build this status.");
        }

        return (workflow, firstTask);
    }
}

internal static class Definitions
{
    public static WorkflowDefinition OrderProcess { get; } =
        new("OrderProcess", ["ValidateOrder", "DeductMoney", "SendEmail"]);
}
