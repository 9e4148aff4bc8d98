using GoFlow.Domain;

namespace GoFlow.Ports.Driving;

/// <summary>Lists the workflows that can be started.</summary>
public interface IListWorkflowDefinitions
{
    IReadOnlyList<WorkflowDefinition> List();
}
