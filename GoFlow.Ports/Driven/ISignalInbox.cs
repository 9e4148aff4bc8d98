using GoFlow.Domain;

namespace GoFlow.Ports.Driven;

/// <summary>
/// The signals delivered to workflows and the signal steps that wait for them (ADR 0020). A signal is stored once per
/// workflow and name; a waiting step holds no lease and is one row in the claim's index, due at its timeout.
/// </summary>
public interface ISignalInbox
{
    /// <summary>
    /// Stores <paramref name="signal"/> with a SIGNAL_RECEIVED row and, in the same transaction, wakes the task of
    /// <see cref="NewSignal.StepIndex"/> when it is WAITING (<see cref="GoFlow.Domain.Transitions.TaskTransitions.ReceiveSignal"/>:
    /// PENDING, due now). A finished workflow, or one that already holds a signal of that name, is left as it is.
    /// </summary>
    Task<SignalDeliveryResult> DeliverAsync(NewSignal signal, CancellationToken cancellationToken);

    /// <summary>
    /// For the holder of a signal step: answers the stored signal's payload when there is one, else parks the task
    /// (<see cref="GoFlow.Domain.Transitions.TaskTransitions.AwaitSignal"/>: WAITING, lease ended, due at
    /// <see cref="SignalAwait.TimeoutAt"/>, with a TASK_WAITING row). Both under the task's lock, so a signal delivered
    /// meanwhile is either seen here or wakes the parked task.
    /// </summary>
    Task<SignalAwaitResult> AwaitAsync(SignalAwait wait, CancellationToken cancellationToken);

    /// <summary>
    /// Fails up to <paramref name="maxTasks"/> WAITING tasks whose timeout came at or before <paramref name="now"/>
    /// (<see cref="GoFlow.Domain.Transitions.TaskTransitions.SignalTimeout"/>), with their workflows, skipping rows
    /// another transaction holds; TASK_FAILED and WORKFLOW_FAILED rows for each.
    /// </summary>
    /// <returns>The names of the workflows that failed, one per failed task.</returns>
    Task<IReadOnlyList<string>> FailTimedOutAsync(DateTimeOffset now, int maxTasks, CancellationToken cancellationToken);
}

/// <summary>
/// A signal to store: <paramref name="Payload"/> (JSON object text) for the step at <paramref name="StepIndex"/> of
/// <paramref name="WorkflowId"/>, the step that waits for <paramref name="Name"/>, under <paramref name="Key"/> when the
/// request came with an Idempotency-Key.
/// </summary>
public sealed record NewSignal(
    WorkflowId WorkflowId, string Name, int StepIndex, string Payload, IdempotencyKey? Key, DateTimeOffset ReceivedAt);

/// <summary>A stored signal, with the key and fingerprint of the request that delivered it (null without a key).</summary>
public sealed record StoredSignal(
    WorkflowId WorkflowId, string Name, string Payload, string? IdempotencyKey, string? RequestFingerprint, DateTimeOffset ReceivedAt);

/// <summary>What a delivery came to.</summary>
public abstract record SignalDeliveryResult
{
    private SignalDeliveryResult()
    {
    }

    /// <summary>Stored; <paramref name="WokeTask"/> tells whether its step was waiting and is now due.</summary>
    public sealed record Delivered(StoredSignal Signal, bool WokeTask) : SignalDeliveryResult;

    /// <summary>The workflow holds a signal of that name already: nothing was stored.</summary>
    public sealed record AlreadyReceived(StoredSignal Existing) : SignalDeliveryResult;

    /// <summary>There is no such workflow (never was, or deleted by retention).</summary>
    public sealed record WorkflowNotFound : SignalDeliveryResult;

    /// <summary>The workflow has finished (<paramref name="Status"/>): nothing was stored.</summary>
    public sealed record WorkflowFinished(WorkflowStatus Status) : SignalDeliveryResult;
}

/// <summary>The holder of <paramref name="Task"/> waits for <paramref name="SignalName"/> until <paramref name="TimeoutAt"/>.</summary>
public sealed record SignalAwait(ClaimedTask Task, string SignalName, DateTimeOffset TimeoutAt, DateTimeOffset Now);

/// <summary>What awaiting a signal came to.</summary>
public abstract record SignalAwaitResult
{
    private SignalAwaitResult()
    {
    }

    /// <summary>The signal was stored: its payload (JSON object text); the task is still the holder's, RUNNING.</summary>
    public sealed record Arrived(string Payload) : SignalAwaitResult;

    /// <summary>No signal yet: the task is WAITING, its lease ended.</summary>
    public sealed record Parked : SignalAwaitResult;

    /// <summary>The task is no longer held by this claim: nothing was changed.</summary>
    public sealed record NotHeld : SignalAwaitResult;
}
