using System.Text.Json.Nodes;

namespace GoFlow.Adapters.Http.Contracts;

// The endpoint reads its body by hand (StartWorkflowRequestReader), so this type is never bound: it only gives the
// OpenAPI document the body's schema, and its XML docs become the schema's descriptions.

/// <summary>Starts a workflow: which one, and its first task's input.</summary>
internal sealed class StartWorkflowRequest
{
    /// <summary>A defined workflow, e.g. OrderProcess; see GET /workflow-definitions.</summary>
    public required string WorkflowName { get; init; }

    /// <summary>The first task's input, a JSON object (not null); left out, the workflow starts on {}.</summary>
    public JsonObject InputPayload { get; init; } = [];
}
