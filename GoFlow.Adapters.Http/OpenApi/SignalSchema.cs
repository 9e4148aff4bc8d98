using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GoFlow.Adapters.Http.OpenApi;

/// <summary>
/// The body of POST /workflows/{id}/signals/{name}: the signal's payload itself, any JSON object, read by hand as the
/// start's body is (<see cref="StartWorkflowSchema"/>).
/// </summary>
internal static class SignalSchema
{
    public const string Name = "SignalPayload";

    public static OpenApiSchema Create() => new()
    {
        Type = JsonSchemaType.Object,
        Description =
            "The signal's payload, any JSON object under the request limits. The step waiting for the signal completes " +
            "with its input and these top-level fields set over it; the next step receives that.",
    };

    /// <summary>Gives the route its body: JSON only, as for POST /workflows.</summary>
    public static Task DescribeBody(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [StartWorkflowSchema.ContentType] = new() { Schema = new OpenApiSchemaReference(Name, context.Document) },
            },
        };
        return Task.CompletedTask;
    }
}
