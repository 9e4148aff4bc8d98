namespace GoFlow.Domain;

/// <summary>The lifecycle of a workflow instance; see docs/state-machine.md.</summary>
public enum WorkflowStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
}
