using GoFlow.Domain;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driven;

/// <summary>Stores workflow instances and reads them back.</summary>
public interface IWorkflowRepository
{
    /// <summary>
    /// Stores new workflows, each with its first task and a WORKFLOW_CREATED activity row, all in one transaction (a
    /// group commit: one durable write for many starts): all of them are stored, or, when the call throws, none.
    /// </summary>
    Task CreateManyAsync(IReadOnlyList<NewWorkflow> workflows, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new workflow as <see cref="CreateManyAsync"/> stores each, unless another workflow already holds
    /// <see cref="IdempotencyKey.Key"/>: then nothing is stored and that workflow is returned. At most one workflow per
    /// key, even under concurrent calls: the store enforces it with a unique index, never by checking first.
    /// </summary>
    Task<IdempotentCreateResult> CreateOnceAsync(
        WorkflowInstance workflow, WorkflowTask firstTask, IdempotencyKey key, CancellationToken cancellationToken);

    /// <summary>The workflow with its tasks in step order, or null when there is no such workflow.</summary>
    Task<WorkflowDetails?> FindAsync(WorkflowId id, CancellationToken cancellationToken);

    /// <summary>The workflow's activity log oldest first, or null when there is no such workflow.</summary>
    Task<IReadOnlyList<ActivityLogEntry>?> GetActivityAsync(WorkflowId id, CancellationToken cancellationToken);

    /// <summary>
    /// Workflows newest first (by creation time, then id), filtered, one page at a time: a page starts after
    /// <see cref="WorkflowListQuery.After"/> (keyset pagination, read through an index, so a late page costs what the
    /// first does) and <see cref="WorkflowPage.Next"/> is where the next page starts, null after the last.
    /// </summary>
    Task<WorkflowPage> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: the workflow's PENDING or RUNNING task becomes CANCELLED (a running attempt's later writes
    /// are then rejected, and its lease is not renewed), the workflow becomes CANCELLED, with a WORKFLOW_CANCELLED row.
    /// Guarded by the workflow's status: a workflow that finished first is left as it is.
    /// </summary>
    Task<WorkflowChangeResult> CancelAsync(WorkflowId id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: the task at <see cref="WorkflowRetry.StepIndex"/>, FAILED or CANCELLED, becomes PENDING,
    /// due at <see cref="WorkflowRetry.DueAt"/>, with <see cref="WorkflowRetry.FreshAttempts"/> more attempts (attempt numbers keep counting up); the
    /// workflow, FAILED or CANCELLED, becomes PENDING; a WORKFLOW_RETRIED row. Completed steps are not touched.
    /// Guarded by both statuses.
    /// </summary>
    Task<WorkflowChangeResult> RetryAsync(WorkflowRetry retry, CancellationToken cancellationToken);
}

/// <summary>An Idempotency-Key and the fingerprint of the request that came with it.</summary>
public sealed record IdempotencyKey(string Key, string RequestFingerprint);

/// <summary>What <see cref="IWorkflowRepository.CreateOnceAsync"/> came to.</summary>
public abstract record IdempotentCreateResult
{
    private IdempotentCreateResult()
    {
    }

    /// <summary>The workflow was stored under the key.</summary>
    public sealed record Created : IdempotentCreateResult;

    /// <summary>The key was taken: nothing was stored; <paramref name="Existing"/> holds it, created by a request with <paramref name="RequestFingerprint"/>.</summary>
    public sealed record KeyTaken(WorkflowView Existing, string RequestFingerprint) : IdempotentCreateResult;
}

/// <summary>
/// Retry workflow <paramref name="Id"/> from step <paramref name="StepIndex"/> at <paramref name="Now"/>; the step's task
/// is due at <paramref name="DueAt"/>, as <see cref="GoFlow.Domain.Transitions.TaskTransitions.DueAfterRetry"/> reckons it.
/// </summary>
public sealed record WorkflowRetry(WorkflowId Id, int StepIndex, int FreshAttempts, DateTimeOffset Now, DateTimeOffset DueAt);

/// <summary>What an operator's change (cancel, retry) came to; <paramref name="Status"/> is the workflow's status after it, null when not found.</summary>
public sealed record WorkflowChangeResult(WorkflowChangeOutcome Outcome, WorkflowStatus? Status);

public enum WorkflowChangeOutcome
{
    /// <summary>The change was made.</summary>
    Changed,

    /// <summary>There is no such workflow.</summary>
    NotFound,

    /// <summary>The workflow's status does not allow the change; nothing was changed.</summary>
    Conflict,
}

/// <summary>A workflow to store and its first task, as <see cref="WorkflowInstance.Create"/> made them.</summary>
public sealed record NewWorkflow(WorkflowInstance Workflow, WorkflowTask FirstTask);
