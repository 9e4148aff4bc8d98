using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Application.Tests.Builders;

/// <summary>Claimed tasks of the OrderProcess test definition, step 0 unless told otherwise.</summary>
internal sealed class ClaimedTaskBuilder
{
    private int _stepIndex;
    private string _taskName = TestDefinitions.OrderProcess.TaskNames[0];
    private string _workflowName = TestDefinitions.OrderProcess.Name;
    private string _input = """{"order_id":"A-1","amount":42}""";
    private int _attempt = 1;
    private int _maxAttempts = 3;

    public ClaimedTaskBuilder AtStep(int stepIndex)
    {
        _stepIndex = stepIndex;
        _taskName = TestDefinitions.OrderProcess.TaskNames[stepIndex];
        return this;
    }

    public ClaimedTaskBuilder Named(string taskName)
    {
        _taskName = taskName;
        return this;
    }

    public ClaimedTaskBuilder OfWorkflow(string workflowName)
    {
        _workflowName = workflowName;
        return this;
    }

    public ClaimedTaskBuilder WithInput(string input)
    {
        _input = input;
        return this;
    }

    public ClaimedTaskBuilder OnAttempt(int attempt, int of)
    {
        _attempt = attempt;
        _maxAttempts = of;
        return this;
    }

    public ClaimedTask Build() => new(
        new TaskId(7),
        WorkflowId.New(TestDefinitions.Now),
        _workflowName,
        _stepIndex,
        _taskName,
        _input,
        _attempt,
        _maxAttempts,
        LeaseOwner: "worker-1",
        LeaseExpiresAt: TestDefinitions.Now.AddMinutes(5));
}
