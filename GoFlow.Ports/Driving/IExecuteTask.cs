using GoFlow.Ports.Driven;

namespace GoFlow.Ports.Driving;

/// <summary>Runs one claimed task's handler and records the result: the step logic of the engine.</summary>
public interface IExecuteTask
{
    /// <summary>
    /// Runs the handler within the task's timeout and records the outcome. Throws <see cref="OperationCanceledException"/>
    /// only when <paramref name="cancellationToken"/> fired (shutdown, or the lease was lost); the task is then left
    /// as it was claimed.
    /// </summary>
    /// <param name="task">The claimed task to run.</param>
    /// <param name="handOver">
    /// True: a completed step's next step is handed over, claimed by the same lease owner for a claim's lease length (<see cref="ILeasePolicy"/>),
    /// in <see cref="AttemptResult.NextTask"/>, so the caller can run it at once, without a claim and without another
    /// worker racing for it. False leaves the next step PENDING for any worker (a caller that is stopping).
    /// </param>
    /// <param name="cancellationToken">Fires on shutdown or when the lease was lost.</param>
    Task<AttemptResult> ExecuteAsync(ClaimedTask task, bool handOver, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="ExecuteAsync(ClaimedTask, bool, CancellationToken)"/>, telling <paramref name="handlerReturned"/> when
    /// the handler has returned and only the durable record of its result is left, so that a caller bounding how many
    /// handlers run at once can start another meanwhile (ADR 0041). The returned task still completes after the record.
    /// </summary>
    /// <param name="task">The claimed task to run.</param>
    /// <param name="handOver">As for <see cref="ExecuteAsync(ClaimedTask, bool, CancellationToken)"/>.</param>
    /// <param name="handlerReturned">
    /// Called at most once, before the returned task completes, on the step's own thread. The caller may run work of its
    /// own in it before it returns (GoFlow's worker lets its claim loop run on up to the claim's first wait), so that time
    /// counts in the step's span and duration. Not called means the whole call counts as the handler's. The default
    /// implementation never calls it, so an implementation of the other overload alone keeps its handler slot until its
    /// record is written; a mock set up on the other overload only answers this one with its default (a null task for
    /// a loose Moq mock): set this one up too.
    /// </param>
    /// <param name="cancellationToken">Fires on shutdown or when the lease was lost.</param>
    Task<AttemptResult> ExecuteAsync(
        ClaimedTask task, bool handOver, Action handlerReturned, CancellationToken cancellationToken) =>
        ExecuteAsync(task, handOver, cancellationToken);
}

/// <summary>
/// How a task's execution ended, and the next step's task when it was handed over to the caller (see
/// <see cref="IExecuteTask.ExecuteAsync(ClaimedTask, bool, CancellationToken)"/>); the caller then holds that task and must run or release it.
/// </summary>
public sealed record AttemptResult(AttemptOutcome Outcome, ClaimedTask? NextTask = null);

public enum AttemptOutcome
{
    /// <summary>The handler returned and its output was recorded.</summary>
    Completed,

    /// <summary>The attempt failed and another one was scheduled.</summary>
    RetryScheduled,

    /// <summary>The task failed for good (attempts used up, a permanent failure, no handler or definition); recorded.</summary>
    Failed,

    /// <summary>The handler snoozed its task, or a wait step had not ended: due again later, the attempt given back.</summary>
    Snoozed,

    /// <summary>The store refused the result: the task was no longer held by this claim.</summary>
    Rejected,

    /// <summary>A signal step found no signal yet: the task waits for it, WAITING, holding no lease (ADR 0020).</summary>
    Waiting,
}
