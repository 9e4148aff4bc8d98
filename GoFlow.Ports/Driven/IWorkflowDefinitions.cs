using GoFlow.Domain;

namespace GoFlow.Ports.Driven;

/// <summary>The workflows this engine knows, by name.</summary>
public interface IWorkflowDefinitions
{
    /// <summary>Every definition, ordered by name.</summary>
    IReadOnlyList<WorkflowDefinition> All { get; }

    /// <summary>The definition named <paramref name="name"/> (case-sensitive), or null.</summary>
    WorkflowDefinition? Find(string name);
}
