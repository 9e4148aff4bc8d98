using System.Text.Json;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driving;

/// <summary>Starts a new instance of a defined workflow.</summary>
public interface IStartWorkflow
{
    Task<StartWorkflowResult> StartAsync(StartWorkflowCommand command, CancellationToken cancellationToken);
}

/// <summary>
/// Start <paramref name="WorkflowName"/> on <paramref name="InputPayload"/>: a JSON object, or null when the caller
/// left it out (the workflow then starts on <c>{}</c>). With an <paramref name="IdempotencyKey"/>, the same key with
/// the same request starts one workflow however often it is sent. With <paramref name="StartAt"/>, the workflow is
/// stored at once and its first step runs no earlier than that time (a time already past means now).
/// </summary>
public sealed record StartWorkflowCommand(
    string? WorkflowName, JsonElement? InputPayload, string? IdempotencyKey = null, DateTimeOffset? StartAt = null);

/// <summary>What starting a workflow came to.</summary>
public abstract record StartWorkflowResult
{
    private StartWorkflowResult()
    {
    }

    /// <summary>The workflow was stored PENDING and its first task queued.</summary>
    public sealed record Started(WorkflowView Workflow) : StartWorkflowResult;

    /// <summary>The command was refused; nothing was stored. Errors are keyed by request field name.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : StartWorkflowResult;

    /// <summary>The idempotency key was used before by the same request: this is the workflow it started.</summary>
    public sealed record AlreadyStarted(WorkflowView Workflow) : StartWorkflowResult;

    /// <summary>The idempotency key was used before by a different request; nothing was stored.</summary>
    public sealed record KeyReused(string Detail) : StartWorkflowResult;
}
