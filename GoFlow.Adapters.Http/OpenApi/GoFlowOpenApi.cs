using System.Globalization;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Apis;
using GoFlow.Adapters.Http.Contracts;
using GoFlow.Adapters.Http.Json;
using GoFlow.Adapters.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GoFlow.Adapters.Http.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>: what the endpoints' signatures and metadata cannot say by
/// themselves. Everything else (paths, bodies, answers) comes from the endpoints as they are mapped, so the document
/// cannot drift from the code.
/// </summary>
internal static class GoFlowOpenApi
{
    public const string DocumentName = "v1";
    // The one document's path, not "/openapi/{documentName}.json": with the parameter, any name routed to the OpenAPI
    // library, which answers a name it has no document for with a text/plain 404 of its own that repeats the name. Without
    // it the library serves its default document name, "v1", which is DocumentName (OpenApiDocumentTests read /openapi/v1.json);
    // any other name is routing's 404 problem.
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";

    private const string SecuritySchemeName = "ApiKey";
    private const string StatusProperty = "status";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "GoFlow",
                Version = DocumentName,
                Description =
                    "A durable workflow engine: start named workflows, follow their tasks, list, cancel and retry them. " +
                    "JSON in snake_case, times ISO 8601 UTC, errors RFC 9457 problem documents.",
            };

            // The check is ApiKeyMiddleware's, on every path but /health; the document says so once, for all operations.
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description =
                    "An API key as 'Authorization: Bearer <key>', required when the server has keys configured (Api:Keys); " +
                    "without it the answer is 401.",
            };
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[StartWorkflowSchema.Name] = StartWorkflowSchema.Create();
            document.Components.Schemas[SignalSchema.Name] = SignalSchema.Create();
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, document)] = [] }];

            // The generator copies the request's Host header into servers, and a shared cache would serve that to
            // everyone: without servers, clients resolve the paths against the address they fetched the document from.
            document.Servers?.Clear();

            // HEAD answers every GET route (ReadMethods) with the same headers and no body: not an operation of its own.
            foreach (var path in document.Paths.Values)
            {
                path.Operations?.Remove(HttpMethod.Head);
            }

            return Task.CompletedTask;
        });

        options.AddSchemaTransformer((schema, context, _) =>
        {
            // Stored JSON written as JSON: the payloads and outputs are objects; the schema exporter cannot see
            // through RawJson's converter and would describe it as anything at all.
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (type == typeof(RawJson))
            {
                schema.Type = context.JsonTypeInfo.Type == type
                    ? JsonSchemaType.Object
                    : JsonSchemaType.Object | JsonSchemaType.Null;
                schema.Description = "A JSON object, as stored.";
            }

            // A status is one of a fixed set of names; the contracts keep it a string, as the stores and logs do.
            if (context.JsonPropertyInfo is { Name: StatusProperty } property
                && property.DeclaringType.Namespace == typeof(WorkflowResponse).Namespace
                && property.PropertyType == typeof(string))
            {
                schema.Enum = [.. WorkflowListRequest.Statuses.Select(name => (JsonNode)name)];
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// The problems any route can answer, whatever it does: 401 without a valid key (when keys are configured),
    /// 503 while the store is unreachable, 500 for anything unexpected.
    /// </summary>
    public static TBuilder ProducesCommonProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>
    /// GET /workflows binds its query as strings so that it can answer a bad value with a 400 naming it; the document
    /// gives each parameter the type the parser accepts.
    /// </summary>
    public static Task DescribeListParameters(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            parameter.Schema = parameter.Name switch
            {
                WorkflowListRequest.StatusParameter => new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = [.. WorkflowListRequest.Statuses.Select(name => (JsonNode)name)],
                },
                WorkflowListRequest.CreatedAfterParameter or WorkflowListRequest.CreatedBeforeParameter =>
                    new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
                WorkflowListRequest.LimitParameter => new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Minimum = "1",
                    Maximum = WorkflowListRequest.MaxLimit.ToString(CultureInfo.InvariantCulture),
                    Default = JsonValue.Create(WorkflowListRequest.DefaultLimit),
                },
                WorkflowListRequest.WorkflowNameParameter => new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    MinLength = 1,
                    MaxLength = WorkflowListRequest.MaxWorkflowNameLength,
                },
                _ => parameter.Schema,
            };
        }

        return Task.CompletedTask;
    }
}
