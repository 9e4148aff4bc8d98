using static GoFlow.Domain.WorkflowTaskStatus;

namespace GoFlow.Domain.Transitions;

/// <summary>Every transition of a task: the task's state machine (docs/state-machine.md).</summary>
public static class TaskTransitions
{
    /// <summary>A step's task is created, due now: a workflow's first step, or the step after one completed.</summary>
    public static readonly TaskTransition Create = new(
        "create", [], Pending, TaskFields.Scheduled, TaskGuard.None, []);

    /// <summary>
    /// The step after one completed is created already claimed by the same worker, for its first attempt (the
    /// hand-over, ADR 0011), in the commit that completes its predecessor.
    /// </summary>
    public static readonly TaskTransition HandOver = new(
        "hand over", [], Running, TaskFields.AttemptCounted | TaskFields.LeaseTaken | TaskFields.Scheduled, TaskGuard.None,
        [ActivityAction.TaskStarted]);

    /// <summary>A worker claims a due task: it holds the task under a lease, and the attempt counts.</summary>
    public static readonly TaskTransition Claim = new(
        "claim", [Pending], Running, TaskFields.AttemptCounted | TaskFields.LeaseTaken, TaskGuard.Due,
        [ActivityAction.TaskStarted]);

    /// <summary>The holder's heartbeat extends its lease; no activity row, or a long task would flood its log.</summary>
    public static readonly TaskTransition RenewLease = new(
        "renew lease", [Running], Running, TaskFields.LeaseExtended, TaskGuard.Claim, []);

    /// <summary>The holder records the handler's output.</summary>
    public static readonly TaskTransition Complete = new(
        "complete", [Running], Completed, TaskFields.Output | TaskFields.LeaseEnded, TaskGuard.Claim,
        [ActivityAction.TaskCompleted]);

    /// <summary>The holder's attempt failed with attempts left: the task is due again after the backoff.</summary>
    public static readonly TaskTransition ScheduleRetry = new(
        "schedule retry", [Running], Pending, TaskFields.Error | TaskFields.Scheduled | TaskFields.LeaseEnded, TaskGuard.Claim,
        [ActivityAction.TaskRetryScheduled]);

    /// <summary>The holder's attempt failed for good (the last attempt, a permanent failure, no handler).</summary>
    public static readonly TaskTransition Fail = new(
        "fail", [Running], Failed, TaskFields.Error | TaskFields.LeaseEnded, TaskGuard.Claim,
        [ActivityAction.TaskFailed]);

    /// <summary>The holder stops (a shutdown) and hands the task back, due now, without using up the attempt.</summary>
    public static readonly TaskTransition Release = new(
        "release", [Running], Pending, TaskFields.AttemptGivenBack | TaskFields.Scheduled | TaskFields.LeaseEnded, TaskGuard.Claim,
        [ActivityAction.TaskReleased]);

    /// <summary>
    /// The holder snoozes the task (a handler asked to run again later, or a wait step claimed before its end): PENDING,
    /// due at the given time, without using up the attempt (ADR 0019).
    /// </summary>
    public static readonly TaskTransition Snooze = new(
        "snooze", [Running], Pending, TaskFields.AttemptGivenBack | TaskFields.Scheduled | TaskFields.LeaseEnded, TaskGuard.Claim,
        [ActivityAction.TaskSnoozed]);

    /// <summary>The error an attempt whose lease expired leaves behind.</summary>
    public const string LeaseExpiredError = "The worker running this attempt stopped renewing its lease.";

    /// <summary>The lease sweep takes back a task whose holder stopped renewing it; the attempt counts, the task is due now.</summary>
    public static readonly TaskTransition ExpireLease = new(
        "lease expired", [Running], Pending, TaskFields.Error | TaskFields.Scheduled | TaskFields.LeaseEnded,
        TaskGuard.ExpiredLeaseWithAttemptsLeft, [ActivityAction.TaskLeaseExpired]);

    /// <summary>The lease sweep takes back a task on its last attempt: it fails for good.</summary>
    public static readonly TaskTransition ExpireLastLease = new(
        "lease expired on the last attempt", [Running], Failed, TaskFields.Error | TaskFields.LeaseEnded,
        TaskGuard.ExpiredLeaseOnLastAttempt, [ActivityAction.TaskLeaseExpired, ActivityAction.TaskFailed]);

    /// <summary>
    /// The holder of a signal step found no signal stored: the task waits, holding no lease (the worker's slot is free),
    /// due at its timeout. The attempt counts, so that every later claim is a newer one.
    /// </summary>
    public static readonly TaskTransition AwaitSignal = new(
        "await signal", [Running], Waiting, TaskFields.Scheduled | TaskFields.LeaseEnded, TaskGuard.NoSignalStored,
        [ActivityAction.TaskWaiting]);

    /// <summary>
    /// The signal a waiting task waits for was delivered: the task is due now, and its next claim finds the signal and
    /// completes with it. The delivery's SIGNAL_RECEIVED row is the workflow's (<see cref="SignalLog"/>), written
    /// whether or not a task waited.
    /// </summary>
    public static readonly TaskTransition ReceiveSignal = new(
        "receive signal", [Waiting], Pending, TaskFields.Scheduled, TaskGuard.Workflow, []);

    /// <summary>The error a signal step fails with when its signal did not come in time (TASK_WAITING names the signal).</summary>
    public const string SignalTimeoutError = "No signal arrived before the step's timeout.";

    /// <summary>No signal came before a waiting task's timeout: it fails for good, as a handler's last failure would.</summary>
    public static readonly TaskTransition SignalTimeout = new(
        "signal timeout", [Waiting], Failed, TaskFields.Error, TaskGuard.Due, [ActivityAction.TaskFailed]);

    /// <summary>An operator cancels the task's workflow; the holder's later writes then match no guard.</summary>
    public static readonly TaskTransition Cancel = new(
        "cancel", [Pending, Running, Waiting], Cancelled, TaskFields.LeaseEnded, TaskGuard.Workflow, []);

    /// <summary>
    /// An operator retries the task's workflow from this step: due as <see cref="DueAfterRetry"/> says (now, unless the
    /// step had not started and was due later), with fresh attempts. Attempt numbers keep counting up, so a late write
    /// of an earlier attempt stays fenced out; the last error is kept.
    /// </summary>
    public static readonly TaskTransition Retry = new(
        "retry", [Failed, Cancelled], Pending, TaskFields.AttemptsGranted | TaskFields.Scheduled | TaskFields.LeaseEnded,
        TaskGuard.Workflow, []);

    /// <summary>The transition a failed attempt takes: a retry while attempts are left, else a failure for good.</summary>
    public static TaskTransition AfterFailedAttempt(int attempt, int maxAttempts) =>
        HasAttemptsLeft(attempt, maxAttempts) ? ScheduleRetry : Fail;

    /// <summary>
    /// When a task that an operator retries (<see cref="Retry"/>) is due, given its <paramref name="attempt"/> and
    /// <paramref name="scheduledAt"/> as it stopped: a step no attempt has started keeps its due time while that is still
    /// ahead (a delayed start or a wait cancelled before their time; a task whose only attempt snoozed); any other is
    /// due <paramref name="now"/>. A retry resumes the step where it stood, so undoing a cancel does not run early what
    /// was planned for later; a step that ran restarts at once with its fresh attempts, its old backoff forgotten, and a
    /// signal step that waited (its due time was a timeout, not a start) waits again from now (ADR 0010).
    /// </summary>
    public static DateTimeOffset DueAfterRetry(int attempt, DateTimeOffset scheduledAt, DateTimeOffset now) =>
        attempt == 0 && scheduledAt > now ? scheduledAt : now;

    /// <summary>Whether <paramref name="attempt"/> may be followed by another: the stores' expiry guards say the same in SQL.</summary>
    public static bool HasAttemptsLeft(int attempt, int maxAttempts) => attempt < maxAttempts;

    /// <summary>Every task transition, creations first.</summary>
    public static readonly IReadOnlyList<TaskTransition> All =
    [
        Create, HandOver, Claim, RenewLease, Complete, ScheduleRetry, Fail, Release, Snooze, ExpireLease, ExpireLastLease,
        AwaitSignal, ReceiveSignal, SignalTimeout, Cancel, Retry,
    ];

    /// <summary>
    /// Whether a task in <paramref name="status"/> has ended: no transition leads on from it but an operator's retry
    /// (COMPLETED, FAILED, CANCELLED), as <see cref="WorkflowTransitions.IsFinished"/> says of a workflow.
    /// </summary>
    public static bool IsFinished(WorkflowTaskStatus status) =>
        All.Where(transition => transition != Retry).All(transition => !transition.CanStartFrom(status));

    /// <summary>
    /// Every status of a task that has not ended (PENDING, RUNNING, WAITING), in the order the statuses are declared:
    /// what the task gauges count. Read from the table, so that a status added later is counted without a change there.
    /// </summary>
    public static readonly IReadOnlyList<WorkflowTaskStatus> Unfinished =
        [.. Enum.GetValues<WorkflowTaskStatus>().Where(status => !IsFinished(status))];
}
