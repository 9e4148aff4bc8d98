namespace GoFlow.Domain;

/// <summary>A named, ordered list of task names: the tasks of a workflow run one after the other in this order.</summary>
public sealed class WorkflowDefinition
{
    public WorkflowDefinition(string name, IReadOnlyList<string> taskNames)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new DomainException("A workflow definition needs a name.");
        }

        if (taskNames.Count == 0)
        {
            throw new DomainException($"Workflow definition '{name}' has no tasks.");
        }

        if (taskNames.Any(string.IsNullOrWhiteSpace))
        {
            throw new DomainException($"Workflow definition '{name}' has a blank task name.");
        }

        Name = name;
        TaskNames = [.. taskNames];
    }

    public string Name { get; }

    public IReadOnlyList<string> TaskNames { get; }

    /// <summary>The step a new instance starts with.</summary>
    public WorkflowStep FirstStep => new(0, TaskNames[0]);

    /// <summary>The step that follows <paramref name="stepIndex"/>, or null when that step is the last.</summary>
    public WorkflowStep? StepAfter(int stepIndex)
    {
        if (stepIndex < 0 || stepIndex >= TaskNames.Count)
        {
            throw new DomainException($"Workflow '{Name}' has no step {stepIndex}.");
        }

        var next = stepIndex + 1;
        return next < TaskNames.Count ? new WorkflowStep(next, TaskNames[next]) : null;
    }
}

/// <summary>One position in a workflow definition: its zero-based index and the task that runs there.</summary>
public sealed record WorkflowStep(int Index, string TaskName);
