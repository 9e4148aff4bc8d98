using GoFlow.Domain;

namespace GoFlow.Ports.Driven;

/// <summary>
/// The tasks waiting to run, seen as a queue: claim some, then complete or fail each one claimed.
/// Every write after the claim is guarded by the claim it answers (status RUNNING, same lease owner,
/// same attempt): a holder that lost its claim changes nothing and is told so.
/// </summary>
public interface ITaskQueue
{
    /// <summary>
    /// Claims up to <see cref="TaskClaim.MaxTasks"/> PENDING tasks, oldest first, skipping tasks another claimer holds:
    /// each becomes RUNNING with the claim's lease and its attempt counted, its workflow becomes RUNNING if it
    /// was PENDING, and a TASK_STARTED row is written for each, all in one transaction.
    /// </summary>
    Task<IReadOnlyList<ClaimedTask>> ClaimAsync(TaskClaim claim, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: the task becomes COMPLETED with its output; then either the next step's task is created
    /// PENDING with that output as input and the workflow's current input moves on, or, with no next step, the
    /// workflow becomes COMPLETED with that output; activity rows for each change.
    /// </summary>
    /// <returns>False, changing nothing, when the task is no longer held by this claim.</returns>
    Task<bool> CompleteAsync(TaskCompletion completion, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: the task becomes FAILED with the error, its workflow FAILED, with TASK_FAILED
    /// and WORKFLOW_FAILED activity rows.
    /// </summary>
    /// <returns>False, changing nothing, when the task is no longer held by this claim.</returns>
    Task<bool> FailAsync(TaskFailure failure, CancellationToken cancellationToken);
}

/// <summary>A request to claim tasks for <paramref name="Owner"/> until <paramref name="LeaseExpiresAt"/>.</summary>
public sealed record TaskClaim(string Owner, int MaxTasks, DateTimeOffset Now, DateTimeOffset LeaseExpiresAt);

/// <summary>A task the caller now holds: what the handler needs, and the claim that later writes are guarded by.</summary>
public sealed record ClaimedTask(
    TaskId Id,
    WorkflowId WorkflowId,
    string WorkflowName,
    int StepIndex,
    string TaskName,
    string InputPayload,
    int Attempt,
    string LeaseOwner,
    DateTimeOffset LeaseExpiresAt);

/// <summary>A claimed task finished with <paramref name="OutputPayload"/>; <paramref name="NextStep"/> is null after the last step.</summary>
public sealed record TaskCompletion(ClaimedTask Task, string OutputPayload, WorkflowStep? NextStep, DateTimeOffset Now);

/// <summary>A claimed task failed for good with <paramref name="Error"/>.</summary>
public sealed record TaskFailure(ClaimedTask Task, string Error, DateTimeOffset Now);
