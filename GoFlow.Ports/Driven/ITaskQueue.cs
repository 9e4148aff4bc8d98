using GoFlow.Domain;
using GoFlow.Domain.Transitions;

namespace GoFlow.Ports.Driven;

/// <summary>
/// The tasks waiting to run, seen as a queue: claim some, then complete or fail each one claimed.
/// Every write after the claim is guarded by the claim it answers (status RUNNING, same lease owner,
/// same attempt): a holder that lost its claim changes nothing and is told so.
/// </summary>
public interface ITaskQueue
{
    /// <summary>
    /// Claims up to <see cref="ClaimRequest.MaxTasks"/> PENDING tasks, oldest first, skipping tasks another claimer holds:
    /// each becomes RUNNING with the claim's lease and its attempt counted, its workflow becomes RUNNING if it
    /// was PENDING, and a TASK_STARTED row is written for each, all in one transaction.
    /// </summary>
    Task<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimRequest claim, CancellationToken cancellationToken);

    /// <summary>
    /// Records finished attempts, all in one transaction (a group commit: one durable write for many steps). For each
    /// completion whose task is still held by its claim: the task becomes COMPLETED with its output; then either the
    /// next step's task is created with that output as input and the workflow's current input moves on, or, with no
    /// next step, the workflow becomes COMPLETED with that output; activity rows for each change, at
    /// <paramref name="now"/>. The next step's task is created as <see cref="TaskCompletion.Advance"/> states: PENDING,
    /// or, handed over, RUNNING: claimed at once by the same lease owner for its first attempt, leased from
    /// <paramref name="now"/> for the advance's lease length, with a TASK_STARTED row, as <see cref="ClaimAsync"/> would
    /// have. A completion whose task is no longer held by its claim changes nothing, and does not stop the others from
    /// being recorded. A completion that an earlier call recorded already (the task COMPLETED by the same worker on the
    /// same attempt: that call committed but its answer was lost) is written again by nothing and answered as recorded,
    /// with the next step it handed over when its owner still holds it, that step's lease renewed as the advance states
    /// from <paramref name="now"/>.
    /// </summary>
    /// <returns>
    /// The recorded completions, keyed by the very instances passed in, each with the next step's task as its holder
    /// sees it when it was handed over, else null. A completion that is not a key was not recorded: its task is no
    /// longer held by its claim.
    /// </returns>
    Task<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>> CompleteAsync(
        IReadOnlyList<TaskCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Records a failed attempt, in one transaction. With <see cref="TaskFailure.RetryAt"/>: the task goes back to
    /// PENDING, due at that time, keeping the attempt count and the error as its last error, with a
    /// TASK_RETRY_SCHEDULED row. Without: the task becomes FAILED with the error and its workflow FAILED, with
    /// TASK_FAILED and WORKFLOW_FAILED rows.
    /// </summary>
    /// <returns>False, changing nothing, when the task is no longer held by this claim.</returns>
    Task<bool> FailAsync(TaskFailure failure, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the leases of the tasks that <see cref="LeaseRenewal.Owner"/> still holds (same owner, same attempt,
    /// RUNNING) to <see cref="LeaseRenewal.LeaseExpiresAt"/>.
    /// </summary>
    /// <returns>The ids of the tasks whose lease was extended; the others are no longer held by their claim.</returns>
    Task<IReadOnlyList<TaskId>> RenewLeasesAsync(LeaseRenewal renewal, CancellationToken cancellationToken);

    /// <summary>
    /// Hands a claimed task back unfinished: it becomes PENDING, due now, and the attempt is not counted,
    /// with a TASK_RELEASED row. Used when a worker stops before the task could finish.
    /// </summary>
    /// <returns>False, changing nothing, when the task is no longer held by this claim.</returns>
    Task<bool> ReleaseAsync(ClaimedTask task, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Snoozes a claimed task (<see cref="GoFlow.Domain.Transitions.TaskTransitions.Snooze"/>): it becomes PENDING, due
    /// at <see cref="TaskSnooze.Until"/>, and the attempt is not counted, with a TASK_SNOOZED row. Used when a handler
    /// asks to run again later and when a wait step is claimed before its end.
    /// </summary>
    /// <returns>False, changing nothing, when the task is no longer held by this claim.</returns>
    Task<bool> SnoozeAsync(TaskSnooze snooze, CancellationToken cancellationToken);

    /// <summary>
    /// Finds up to <paramref name="maxTasks"/> RUNNING tasks whose lease ended before <paramref name="now"/> (their
    /// worker died or stalled) and takes them back, skipping rows another transaction has locked: each gets a
    /// TASK_LEASE_EXPIRED row; with attempts left it becomes PENDING, due now, else it becomes FAILED with
    /// <see cref="GoFlow.Domain.Transitions.TaskTransitions.LeaseExpiredError"/> and its workflow FAILED (TASK_FAILED,
    /// WORKFLOW_FAILED rows). The expired attempt counts.
    /// </summary>
    /// <returns>How many tasks were taken back, and the names of the workflows that failed with them, one per workflow.</returns>
    Task<RecoveredLeases> RecoverExpiredLeasesAsync(DateTimeOffset now, int maxTasks, CancellationToken cancellationToken);
}

/// <summary>A request to claim tasks for <paramref name="Owner"/> until <paramref name="LeaseExpiresAt"/>.</summary>
public sealed record ClaimRequest(string Owner, int MaxTasks, DateTimeOffset Now, DateTimeOffset LeaseExpiresAt);

/// <summary>
/// A task the caller now holds: what the handler needs, and the claim that later writes are guarded by.
/// <paramref name="ScheduledAt"/> is when the task became due; <paramref name="TraceParent"/> the W3C trace context of
/// the request that started its workflow, if any.
/// </summary>
public sealed record ClaimedTask(
    TaskId Id,
    WorkflowId WorkflowId,
    string WorkflowName,
    int StepIndex,
    string TaskName,
    string InputPayload,
    int Attempt,
    int MaxAttempts,
    string LeaseOwner,
    DateTimeOffset LeaseExpiresAt,
    DateTimeOffset? ScheduledAt = null,
    string? TraceParent = null)
{
    /// <summary>What the activity rows of this claim's transitions name: the task, its attempt and its holder.</summary>
    public ActivitySubject Subject => new(WorkflowId, Id, TaskName, Attempt, LeaseOwner);

    /// <summary>
    /// The next step's task once a store has handed it over as <paramref name="nextTaskId"/>, committed at
    /// <paramref name="now"/>, as its holder sees it: the status, attempt, holder and lease <paramref name="advance"/>
    /// states, <paramref name="input"/> as its input, in the same workflow's trace.
    /// </summary>
    public ClaimedTask HandedOver(TaskId nextTaskId, StepAdvance advance, string input, DateTimeOffset now) =>
        new(
            nextTaskId,
            WorkflowId,
            WorkflowName,
            advance.Step.Index,
            advance.Step.TaskName,
            input,
            advance.Attempt,
            advance.Step.Policy.MaxAttempts,
            advance.LeaseOwner ?? throw new InvalidOperationException($"Step {advance.Step.Index} was not handed over."),
            advance.LeaseExpiresAt(now)!.Value,
            ScheduledAt: now,
            TraceParent);
}

/// <summary>
/// A claimed task finished with <paramref name="OutputPayload"/>, leading where the domain decided
/// (<see cref="StepAdvance.After"/>): <paramref name="Advance"/> is the next step's task as the store creates it (due
/// now or at its wait's end, or handed over to this claim's holder), or null when the workflow completes.
/// </summary>
public sealed record TaskCompletion(ClaimedTask Task, string OutputPayload, StepAdvance? Advance);

/// <summary>A claimed task snoozed until <paramref name="Until"/>, at <paramref name="Now"/>.</summary>
public sealed record TaskSnooze(ClaimedTask Task, DateTimeOffset Until, DateTimeOffset Now);

/// <summary>
/// A claimed task's attempt failed with <paramref name="Error"/>: it runs again from <paramref name="RetryAt"/>,
/// or, when that is null, it has failed for good.
/// </summary>
public sealed record TaskFailure(ClaimedTask Task, string Error, DateTimeOffset? RetryAt, DateTimeOffset Now);

/// <summary>Extend the leases <paramref name="Owner"/> holds on <paramref name="Tasks"/> until <paramref name="LeaseExpiresAt"/>.</summary>
public sealed record LeaseRenewal(
    string Owner,
    IReadOnlyList<TaskClaim> Tasks,
    DateTimeOffset LeaseExpiresAt,
    DateTimeOffset Now);

/// <summary>
/// What a sweep of expired leases took back: <paramref name="TasksTakenBack"/> tasks, of which those on their last
/// attempt failed their workflows, named in <paramref name="FailedWorkflowNames"/> (one entry per workflow failed).
/// </summary>
public sealed record RecoveredLeases(int TasksTakenBack, IReadOnlyList<string> FailedWorkflowNames)
{
    public static readonly RecoveredLeases None = new(0, []);
}

/// <summary>A claim a worker believes it holds: the task and the attempt it claimed (its owner is the worker).</summary>
public sealed record TaskClaim(TaskId Id, int Attempt);
