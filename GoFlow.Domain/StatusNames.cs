namespace GoFlow.Domain;

/// <summary>
/// The status strings GoFlow stores and shows (the original engine's PENDING, RUNNING, COMPLETED, FAILED, and CANCELLED).
/// One mapping, so the API and every store spell a status the same way.
/// </summary>
public static class StatusNames
{
    public const string Pending = "PENDING";
    public const string Running = "RUNNING";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
    public const string Cancelled = "CANCELLED";

    /// <summary>A task only: a signal step waiting for its signal (ADR 0020).</summary>
    public const string Waiting = "WAITING";

    public static string ToName(this WorkflowStatus status) => status switch
    {
        WorkflowStatus.Pending => Pending,
        WorkflowStatus.Running => Running,
        WorkflowStatus.Completed => Completed,
        WorkflowStatus.Failed => Failed,
        WorkflowStatus.Cancelled => Cancelled,
        _ => throw new DomainException($"Unknown workflow status {status}."),
    };

    public static string ToName(this WorkflowTaskStatus status) => status switch
    {
        WorkflowTaskStatus.Pending => Pending,
        WorkflowTaskStatus.Running => Running,
        WorkflowTaskStatus.Completed => Completed,
        WorkflowTaskStatus.Failed => Failed,
        WorkflowTaskStatus.Cancelled => Cancelled,
        WorkflowTaskStatus.Waiting => Waiting,
        _ => throw new DomainException($"Unknown task status {status}."),
    };

    public static WorkflowStatus ToWorkflowStatus(string name) => name switch
    {
        Pending => WorkflowStatus.Pending,
        Running => WorkflowStatus.Running,
        Completed => WorkflowStatus.Completed,
        Failed => WorkflowStatus.Failed,
        Cancelled => WorkflowStatus.Cancelled,
        _ => throw new DomainException($"Unknown workflow status '{name}'."),
    };

    public static WorkflowTaskStatus ToTaskStatus(string name) => name switch
    {
        Pending => WorkflowTaskStatus.Pending,
        Running => WorkflowTaskStatus.Running,
        Completed => WorkflowTaskStatus.Completed,
        Failed => WorkflowTaskStatus.Failed,
        Cancelled => WorkflowTaskStatus.Cancelled,
        Waiting => WorkflowTaskStatus.Waiting,
        _ => throw new DomainException($"Unknown task status '{name}'."),
    };
}
