using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Storage.ContractTests.Builders;

/// <summary>
/// New workflow instances with their first task: an OrderProcess (ValidateOrder, DeductMoney, SendEmail, default
/// policies) created at <see cref="TestTimes.Start"/> unless told otherwise.
/// </summary>
public sealed class WorkflowBuilder
{
    private string _name = "OrderProcess";
    private string[] _taskNames = ["ValidateOrder", "DeductMoney", "SendEmail"];
    private int[]? _maxAttempts;
    private string _input = """{"order_id":"A-1","amount":42}""";
    private DateTimeOffset _createdAt = TestTimes.Start;

    private string? _traceParent;
    private DateTimeOffset? _startAt;

    public WorkflowDefinition Definition => new(
        _name,
        _taskNames,
        _maxAttempts is null
            ? null
            : [.. _taskNames.Select((_, index) => new TaskPolicy(
                _maxAttempts.Length == 1 ? _maxAttempts[0] : _maxAttempts[index],
                TaskPolicy.Default.Timeout,
                TaskPolicy.Default.Backoff))]);

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

    /// <summary>One value for every step, or one value per step.</summary>
    public WorkflowBuilder WithMaxAttempts(params int[] maxAttempts)
    {
        _maxAttempts = maxAttempts;
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

    public WorkflowBuilder InTrace(string traceParent)
    {
        _traceParent = traceParent;
        return this;
    }

    /// <summary>A delayed start: the first task is due at <paramref name="startAt"/> (ADR 0018).</summary>
    public WorkflowBuilder StartingAt(DateTimeOffset startAt)
    {
        _startAt = startAt;
        return this;
    }

    public (WorkflowInstance Workflow, WorkflowTask FirstTask) Build() =>
        WorkflowInstance.Create(Definition, _input, _createdAt, _traceParent, _startAt);

    /// <summary>Builds the workflow and stores it through <paramref name="repository"/>.</summary>
    public async Task<WorkflowInstance> CreateAsync(IWorkflowRepository repository)
    {
        var (workflow, firstTask) = Build();
        await repository.CreateManyAsync([new NewWorkflow(workflow, firstTask)], CancellationToken.None);
        return workflow;
    }
}
