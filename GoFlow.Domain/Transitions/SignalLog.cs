namespace GoFlow.Domain.Transitions;

/// <summary>The activity rows of a signal's delivery, composed once for both stores (ADR 0020).</summary>
public static class SignalLog
{
    /// <summary>
    /// SIGNAL_RECEIVED, the workflow's row (no task): a signal may come before its step exists. When it wakes a waiting
    /// task, <see cref="TaskTransitions.ReceiveSignal"/> writes nothing more.
    /// </summary>
    public static NewActivity Received(WorkflowId workflowId, string signalName, string? idempotencyKey, DateTimeOffset at) =>
        new(workflowId, null, ActivityAction.SignalReceived, ActivityDetails.ForSignal(signalName, idempotencyKey), at);

    /// <summary>TASK_WAITING: the task's holder parked it to wait for <paramref name="signalName"/> until <paramref name="timeoutAt"/>.</summary>
    public static NewActivity Waiting(ActivitySubject task, string signalName, DateTimeOffset timeoutAt, DateTimeOffset at) =>
        new(task.WorkflowId, task.TaskId, ActivityAction.TaskWaiting,
            ActivityDetails.ForWaitingTask(task.TaskName, task.Attempt, signalName, timeoutAt), at);
}
