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
    Task<TaskExecutionOutcome> ExecuteAsync(ClaimedTask task, CancellationToken cancellationToken);
}

public enum TaskExecutionOutcome
{
    /// <summary>The handler returned and its output was recorded.</summary>
    Completed,

    /// <summary>The attempt failed and another one was scheduled.</summary>
    RetryScheduled,

    /// <summary>The task failed for good (attempts used up, a permanent failure, no handler or definition); recorded.</summary>
    Failed,

    /// <summary>The store refused the result: the task was no longer held by this claim.</summary>
    Rejected,
}
