namespace GoFlow.Domain;

/// <summary>The actions written to a workflow's activity log.</summary>
public static class ActivityAction
{
    public const string WorkflowCreated = "WORKFLOW_CREATED";
    public const string TaskStarted = "TASK_STARTED";
    public const string TaskCompleted = "TASK_COMPLETED";
    public const string TaskFailed = "TASK_FAILED";
    public const string TaskRetryScheduled = "TASK_RETRY_SCHEDULED";
    public const string TaskLeaseExpired = "TASK_LEASE_EXPIRED";
    public const string TaskReleased = "TASK_RELEASED";
    public const string TaskSnoozed = "TASK_SNOOZED";
    public const string TaskWaiting = "TASK_WAITING";
    public const string SignalReceived = "SIGNAL_RECEIVED";
    public const string WorkflowCompleted = "WORKFLOW_COMPLETED";
    public const string WorkflowFailed = "WORKFLOW_FAILED";
    public const string WorkflowCancelled = "WORKFLOW_CANCELLED";
    public const string WorkflowRetried = "WORKFLOW_RETRIED";
}
