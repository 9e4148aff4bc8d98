using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driving;

/// <summary>Finds one workflow by what an operator knows of it: its id or the Idempotency-Key it was started with.</summary>
public interface IFindWorkflow
{
    /// <returns>The workflow whose id is <paramref name="query"/>'s text, else the one started with it as key, else null.</returns>
    Task<WorkflowSummary?> FindAsync(FindWorkflowQuery query, CancellationToken cancellationToken);
}

/// <summary>A workflow id or an Idempotency-Key, as typed.</summary>
public sealed record FindWorkflowQuery(string Text);
