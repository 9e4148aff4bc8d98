using System.ComponentModel;
using GoFlow.Adapters.Http.Contracts;
using GoFlow.Adapters.Http.OpenApi;
using GoFlow.Adapters.Http.Requests;
using GoFlow.Domain;
using GoFlow.Ports.Driving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Http.Apis;

/// <summary>/workflows/{id}/signals/{name}: a signal delivered to a workflow, for the step that waits for it (ADR 0020).</summary>
internal static class SignalsApi
{
    public static RouteGroupBuilder MapSignalsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/workflows").WithTags("Workflows").ProducesCommonProblems();

        group.MapPost("/{id}/signals/{name}", SendSignal)
            .WithName(nameof(SendSignal))
            .WithSummary("Deliver a named signal to a workflow; its body, a JSON object, is the signal's payload")
            .WithDescription(
                "202 with the signal as stored: the step that waits for it completes with its input and the payload's " +
                "top-level fields set over it, now if it waits, or when it is reached. A workflow takes one signal per " +
                "name. With an Idempotency-Key, a repeat of the same request answers as the first did and stores " +
                "nothing; the same key with a different payload is 422. 404: no such workflow, or no step of it waits " +
                "for that name; 409: the workflow has finished, or has received that signal already.")
            .TakesJsonBody(SignalSchema.DescribeBody)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        return group;
    }

    // The body is read by hand, as POST /workflows's is, under the same limits (ApiOptions): the whole body is the payload.
    public static async Task<Results<Accepted<DataResponse<SignalResponse>>, ValidationProblem, ProblemHttpResult>> SendSignal(
        string id,
        string name,
        HttpRequest request,
        [FromHeader(Name = WorkflowsApi.IdempotencyKeyHeader)]
        [Description("Makes the delivery safe to repeat: the same key with the same payload is answered as the first delivery was; with a different payload, 422. 1 to 255 characters.")]
        string? idempotencyKey,
        [FromServices] IDeliverSignal deliverSignal,
        [FromServices] IOptions<ApiOptions> options,
        CancellationToken cancellationToken)
    {
        if (request.Headers[WorkflowsApi.IdempotencyKeyHeader].Count > 1)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["idempotency_key"] = [$"Send one {WorkflowsApi.IdempotencyKeyHeader} header, not several."],
            });
        }

        if (!WorkflowId.TryParse(id, out var workflowId))
        {
            return ApiResults.WorkflowNotFound(id);
        }

        var (document, refusal) = await StartWorkflowRequestReader.ReadDocumentAsync(
            request, options.Value, payloadField: null, cancellationToken);
        if (document is null)
        {
            return ApiResults.RefusedSignal(refusal!);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                return TypedResults.Problem(
                    $"The request body, the signal's payload, must be a JSON object, not {StartWorkflowRequestReader.Describe(document.RootElement.ValueKind)}.",
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Malformed request body");
            }

            var result = await deliverSignal.DeliverAsync(
                new DeliverSignalCommand(workflowId, name, document.RootElement, idempotencyKey), cancellationToken);
            return ApiResults.FromSignalResult(id, result);
        }
    }
}
