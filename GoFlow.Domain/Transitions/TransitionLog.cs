namespace GoFlow.Domain.Transitions;

/// <summary>
/// The activity rows of the moves that change a task and its workflow together, in the order they happen, composed
/// here once so that every store logs the same rows for the same move.
/// </summary>
public static class TransitionLog
{
    /// <summary>
    /// A step completed: TASK_COMPLETED, then WORKFLOW_COMPLETED when it was the last step, or the next step's TASK_STARTED
    /// when <paramref name="handedOver"/> (that step, claimed for the same worker) is given.
    /// </summary>
    public static IEnumerable<NewActivity> Completed(
        ActivitySubject task, string workflowName, bool lastStep, ActivitySubject? handedOver, DateTimeOffset at)
    {
        var completed = TaskTransitions.Complete.Log(task, at);
        var next = lastStep
            ? WorkflowTransitions.Complete.Log(task.WorkflowId, workflowName, at)
            : handedOver is { } nextTask ? TaskTransitions.HandOver.Log(nextTask, at) : [];
        // One array: every step's completion logs here, and the stores add the rows to a list, which copies an array.
        NewActivity[] rows = next.Length == 0 ? completed : [.. completed, .. next];
        return rows;
    }

    /// <summary>An attempt failed: TASK_RETRY_SCHEDULED when <paramref name="retryAt"/> is given, else TASK_FAILED and WORKFLOW_FAILED.</summary>
    public static IEnumerable<NewActivity> Failed(
        ActivitySubject task, string workflowName, string error, DateTimeOffset? retryAt, DateTimeOffset at) =>
        retryAt is { } due
            ? TaskTransitions.ScheduleRetry.Log(task, at, error, due)
            : TaskTransitions.Fail.Log(task, at, error).Concat(WorkflowTransitions.Fail.Log(task.WorkflowId, workflowName, at));

    /// <summary>
    /// A lease expired: TASK_LEASE_EXPIRED, and on the last attempt TASK_FAILED; the workflow's WORKFLOW_FAILED is
    /// logged by <see cref="WorkflowTransitions.Fail"/> once per workflow.
    /// </summary>
    public static IEnumerable<NewActivity> LeaseExpired(ActivitySubject task, bool attemptsLeft, DateTimeOffset at) =>
        (attemptsLeft ? TaskTransitions.ExpireLease : TaskTransitions.ExpireLastLease).Log(task, at, TaskTransitions.LeaseExpiredError);

    /// <summary>A waiting task's signal did not come in time: TASK_FAILED with the timeout error, then WORKFLOW_FAILED.</summary>
    public static IEnumerable<NewActivity> SignalTimedOut(
        ActivitySubject task, string workflowName, string error, DateTimeOffset at) =>
        TaskTransitions.SignalTimeout.Log(task, at, error).Concat(WorkflowTransitions.Fail.Log(task.WorkflowId, workflowName, at));
}
