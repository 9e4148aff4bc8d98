using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Ports.Driving;

/// <summary>
/// Resumes a FAILED or CANCELLED workflow from the step that failed or was cancelled, on that step's input, with a
/// fresh attempt budget; completed steps are not run again.
/// </summary>
public interface IRetryWorkflow
{
    Task<WorkflowChangeResult> RetryAsync(WorkflowId id, CancellationToken cancellationToken);
}
