namespace GoFlow.Ports.Driven;

/// <summary>Deletes finished workflows, so the tables do not grow forever.</summary>
public interface IWorkflowRetention
{
    /// <summary>
    /// Deletes up to <paramref name="maxWorkflows"/> workflows that finished (COMPLETED, FAILED or CANCELLED) before
    /// <paramref name="finishedBefore"/>, with their tasks and activity rows, in one short transaction.
    /// </summary>
    /// <returns>How many workflows were deleted; fewer than asked means none is left to delete.</returns>
    Task<int> DeleteFinishedAsync(DateTimeOffset finishedBefore, int maxWorkflows, CancellationToken cancellationToken);
}
