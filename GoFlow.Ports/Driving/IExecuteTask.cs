using GoFlow.Ports.Driven;

namespace GoFlow.Ports.Driving;

/// <summary>Runs one claimed task's handler and records the result: the step logic of the engine.</summary>
public interface IExecuteTask
{
    /// <summary>
    /// Runs the handler and completes or fails the task. Throws <see cref="OperationCanceledException"/>
    /// only when <paramref name="cancellationToken"/> fired; the task is then left as it was claimed.
    /// </summary>
    Task<TaskExecutionOutcome> ExecuteAsync(ClaimedTask task, CancellationToken cancellationToken);
}

public enum TaskExecutionOutcome
{
    /// <summary>The handler returned and its output was recorded.</summary>
    Completed,

    /// <summary>The handler threw, or no handler or definition exists; the failure was recorded.</summary>
    Failed,

    /// <summary>The store refused the result: the task was no longer held by this claim.</summary>
    Rejected,
}
