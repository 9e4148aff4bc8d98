namespace GoFlow.Domain;

/// <summary>The lifecycle of one task of a workflow; see docs/state-machine.md.</summary>
public enum WorkflowTaskStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,

    /// <summary>A signal step waits for its signal, holding no lease, until the signal comes or its timeout (its scheduled_at).</summary>
    Waiting,
}
