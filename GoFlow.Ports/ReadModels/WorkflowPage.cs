using GoFlow.Domain;

namespace GoFlow.Ports.ReadModels;

/// <summary>
/// A filter over workflows and the page to read: at most <paramref name="Limit"/> workflows created strictly after
/// <paramref name="CreatedAfter"/> and strictly before <paramref name="CreatedBefore"/>, starting after <paramref name="After"/>.
/// </summary>
public sealed record WorkflowListQuery(
    WorkflowStatus? Status,
    string? WorkflowName,
    DateTimeOffset? CreatedAfter,
    DateTimeOffset? CreatedBefore,
    int Limit,
    WorkflowListPosition? After);

/// <summary>A position in the newest-first order: the creation time and id of the last workflow read.</summary>
public sealed record WorkflowListPosition(DateTimeOffset CreatedAt, WorkflowId Id);

/// <summary>One page of workflows, newest first, and where the next page starts (null after the last page).</summary>
public sealed record WorkflowPage(IReadOnlyList<WorkflowView> Workflows, WorkflowListPosition? Next);
