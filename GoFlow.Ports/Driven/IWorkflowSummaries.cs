using GoFlow.Domain;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driven;

/// <summary>Finds workflows without reading their payloads: the reads behind lists and searches.</summary>
public interface IWorkflowSummaries
{
    /// <summary>
    /// Workflow summaries newest first, filtered and paged as <see cref="IWorkflowRepository.ListAsync"/> does (keyset
    /// pagination through the same indexes), without any payload column.
    /// </summary>
    Task<WorkflowSummaryPage> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken);

    /// <summary>The workflow started with Idempotency-Key <paramref name="key"/> (compared exactly), or null.</summary>
    Task<WorkflowSummary?> FindByIdempotencyKeyAsync(string key, CancellationToken cancellationToken);

    /// <summary>The workflow with <paramref name="id"/>, or null.</summary>
    Task<WorkflowSummary?> FindAsync(WorkflowId id, CancellationToken cancellationToken);
}
