namespace GoFlow.Domain;

/// <summary>The lifecycle of one task of a workflow; see docs/state-machine.md.</summary>
public enum WorkflowTaskStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
}
