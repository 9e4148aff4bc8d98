using GoFlow.Adapters.Http.Apis;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GoFlow.Adapters.Http.OpenApi;

/// <summary>
/// The body of POST /workflows as the OpenAPI document describes it. The body is read by hand
/// (<see cref="StartWorkflowRequestReader"/>), never bound to a type, so its schema is written here, from the reader's
/// field names, rather than through a class that exists only to be described.
/// </summary>
internal static class StartWorkflowSchema
{
    public const string Name = "StartWorkflowRequest";
    public const string ContentType = "application/json";

    public static OpenApiSchema Create() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "Starts a workflow: which one, its first task's input, and when it may start.",
        Required = new HashSet<string> { StartWorkflowRequestReader.WorkflowNameField },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            [StartWorkflowRequestReader.WorkflowNameField] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "A defined workflow, e.g. OrderProcess; see GET /workflow-definitions.",
            },
            [StartWorkflowRequestReader.InputPayloadField] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "The first task's input, a JSON object (not null); left out, the workflow starts on {}.",
            },
            [StartWorkflowRequestReader.StartAtField] = new OpenApiSchema
            {
                Type = JsonSchemaType.String | JsonSchemaType.Null,
                Format = "date-time",
                Description =
                    "A delayed start: the workflow is stored at once and its first task runs no earlier than this time, " +
                    "ISO 8601 with an offset (2026-05-01T09:00:00+02:00 or ...Z), at most 10 years ahead; a time " +
                    "already past means now. Left out or null, it starts at once.",
            },
        },
    };

    /// <summary>
    /// Gives POST /workflows its body: JSON only, since any other content type is answered with the reader's own 415
    /// problem (the route declares no body, so that the framework's content-type check does not answer first in
    /// another shape).
    /// </summary>
    public static Task DescribeBody(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ContentType] = new() { Schema = new OpenApiSchemaReference(Name, context.Document) },
            },
        };
        return Task.CompletedTask;
    }
}
