using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql.Tests.Builders;

/// <summary>New workflow instances with their first task; an OrderProcess created at <see cref="TestTimes.Start"/> unless told otherwise.</summary>
internal sealed class WorkflowBuilder
{
    private string _name = "OrderProcess";
    private string[] _taskNames = ["ValidateOrder", "DeductMoney", "SendEmail"];
    private string _input = """{"order_id":"A-1","amount":42}""";
    private DateTimeOffset _createdAt = TestTimes.Start;

    public WorkflowDefinition Definition => new(_name, _taskNames);

    public WorkflowBuilder Named(string name)
    {
        _name = name;
        return this;
    }

    public WorkflowBuilder WithTasks(params string[] taskNames)
    {
        _taskNames = taskNames;
        return this;
    }

    public WorkflowBuilder WithInput(string input)
    {
        _input = input;
        return this;
    }

    public WorkflowBuilder CreatedAt(DateTimeOffset createdAt)
    {
        _createdAt = createdAt;
        return this;
    }

    public (WorkflowInstance Workflow, WorkflowTask FirstTask) Build() =>
        WorkflowInstance.Create(Definition, _input, _createdAt);

    /// <summary>Builds the workflow and stores it through <paramref name="repository"/>.</summary>
    public async Task<WorkflowInstance> CreateAsync(IWorkflowRepository repository)
    {
        var (workflow, firstTask) = Build();
        await repository.CreateAsync(workflow, firstTask, CancellationToken.None);
        return workflow;
    }
}
