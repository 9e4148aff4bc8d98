using System.ComponentModel;
using GoFlow.Adapters.Http.Contracts;
using GoFlow.Adapters.Http.OpenApi;
using GoFlow.Adapters.Http.Requests;
using GoFlow.Adapters.Routing;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Http.Apis;

/// <summary>
/// /workflows: list, start, read one with its tasks, read its activity log, cancel, retry. Each route declares the
/// answers it can give beyond its typed results (problems whose status the type does not carry), for the OpenAPI
/// document; what every route can answer (401, 500, 503) is declared on the group.
/// </summary>
internal static class WorkflowsApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapWorkflowsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/workflows").WithTags("Workflows").ProducesCommonProblems();

        group.MapMethods("/", ReadMethods.Methods, ListWorkflows)
            .WithName(nameof(ListWorkflows))
            .WithSummary("List workflows, newest first, a page at a time")
            .AddOpenApiOperationTransformer(GoFlowOpenApi.DescribeListParameters);

        group.MapPost("/", StartWorkflow)
            .WithName(nameof(StartWorkflow))
            .WithSummary("Start a workflow")
            .WithDescription(
                "201 with the new workflow. With an Idempotency-Key, a repeat of the same request answers 200 with the " +
                "workflow the first one started (same id, same Location), and the same key with a different request 422.")
            .TakesJsonBody(StartWorkflowSchema.DescribeBody)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapMethods("/{id}", ReadMethods.Methods, GetWorkflow)
            .WithName(nameof(GetWorkflow))
            .WithSummary("Read a workflow with its tasks in execution order")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapMethods("/{id}/activity", ReadMethods.Methods, GetWorkflowActivity)
            .WithName(nameof(GetWorkflowActivity))
            .WithSummary("Read a workflow's activity log, oldest first")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/cancel", CancelWorkflow)
            .WithName(nameof(CancelWorkflow))
            .WithSummary($"Cancel a {ApiResults.StatusesAllowing(WorkflowTransitions.Cancel)} workflow")
            .WithDescription(
                "200 with the workflow as it is after the change (CANCELLED, its unfinished task CANCELLED). " +
                "409 when it has already finished; the problem's workflow_status names its status. No body.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id}/retry", RetryWorkflow)
            .WithName(nameof(RetryWorkflow))
            .WithSummary($"Retry a {ApiResults.StatusesAllowing(WorkflowTransitions.Retry)} workflow from the step that stopped")
            .WithDescription(
                "200 with the workflow as it is after the change (PENDING again, or already RUNNING); completed steps " +
                "are not run again. 409 for any other status; the problem's workflow_status names it. No body.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    public static async Task<Results<Ok<WorkflowListResponse>, ValidationProblem>> ListWorkflows(
        [AsParameters] WorkflowListRequest request,
        HttpRequest httpRequest,
        [FromServices] IListWorkflows listWorkflows,
        CancellationToken cancellationToken)
    {
        if (WorkflowListRequestParser.Parse(request, parameter => httpRequest.Query[parameter].Count, out var errors) is not { } query)
        {
            return ApiResults.InvalidQuery(errors);
        }

        var page = await listWorkflows.ListAsync(query, cancellationToken);
        return ApiResults.Page(page);
    }

    // The body is read by hand (no bound parameter), so content type, size, JSON syntax, nesting and field types are
    // answered here instead of by the framework's binder, under the limits of ApiOptions.
    public static async Task<StartWorkflowAnswer> StartWorkflow(
        HttpRequest request,
        [FromHeader(Name = IdempotencyKeyHeader)]
        [Description("Makes the start safe to repeat: the same key with the same body starts one workflow (200 with it on a repeat); with a different body, 422. 1 to 255 characters.")]
        string? idempotencyKey,
        [FromServices] IStartWorkflow startWorkflow,
        [FromServices] IOptions<ApiOptions> options,
        CancellationToken cancellationToken)
    {
        // Two keys would be joined into one by the binder ("a,b"): refuse them rather than guess which was meant.
        if (request.Headers[IdempotencyKeyHeader].Count > 1)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["idempotency_key"] = [$"Send one {IdempotencyKeyHeader} header, not several."],
            });
        }

        var body = await StartWorkflowRequestReader.ReadAsync(request, options.Value, cancellationToken);
        if (body is not StartRequestOutcome.Command command)
        {
            return ApiResults.Refused(body);
        }

        var result = await startWorkflow.StartAsync(command.Value with { IdempotencyKey = idempotencyKey }, cancellationToken);
        return ApiResults.FromStartResult(result);
    }

    public static async Task<Results<Ok<DataResponse<WorkflowWithTasksResponse>>, ProblemHttpResult>> GetWorkflow(
        string id,
        [FromServices] IGetWorkflow getWorkflow,
        CancellationToken cancellationToken)
    {
        if (!WorkflowId.TryParse(id, out var workflowId))
        {
            return ApiResults.WorkflowNotFound(id);
        }

        var details = await getWorkflow.GetAsync(new GetWorkflowQuery(workflowId), cancellationToken);
        return details is null ? ApiResults.WorkflowNotFound(id) : ApiResults.Found(details);
    }

    public static async Task<Results<Ok<DataResponse<IReadOnlyList<ActivityResponse>>>, ProblemHttpResult>> GetWorkflowActivity(
        string id,
        [FromServices] IGetWorkflowActivity getWorkflowActivity,
        CancellationToken cancellationToken)
    {
        if (!WorkflowId.TryParse(id, out var workflowId))
        {
            return ApiResults.WorkflowNotFound(id);
        }

        var activity = await getWorkflowActivity.GetAsync(new GetWorkflowActivityQuery(workflowId), cancellationToken);
        return activity is null ? ApiResults.WorkflowNotFound(id) : ApiResults.Found(activity);
    }

    public static async Task<Results<Ok<DataResponse<WorkflowWithTasksResponse>>, ProblemHttpResult>> CancelWorkflow(
        string id,
        [FromServices] ICancelWorkflow cancelWorkflow,
        [FromServices] IGetWorkflow getWorkflow,
        CancellationToken cancellationToken)
    {
        if (!WorkflowId.TryParse(id, out var workflowId))
        {
            return ApiResults.WorkflowNotFound(id);
        }

        var result = await cancelWorkflow.CancelAsync(workflowId, cancellationToken);
        var after = await ReadAfterChangeAsync(result, workflowId, getWorkflow, cancellationToken);
        return ApiResults.FromChange(WorkflowChange.Cancel, id, result, after);
    }

    public static async Task<Results<Ok<DataResponse<WorkflowWithTasksResponse>>, ProblemHttpResult>> RetryWorkflow(
        string id,
        [FromServices] IRetryWorkflow retryWorkflow,
        [FromServices] IGetWorkflow getWorkflow,
        CancellationToken cancellationToken)
    {
        if (!WorkflowId.TryParse(id, out var workflowId))
        {
            return ApiResults.WorkflowNotFound(id);
        }

        var result = await retryWorkflow.RetryAsync(workflowId, cancellationToken);
        var after = await ReadAfterChangeAsync(result, workflowId, getWorkflow, cancellationToken);
        return ApiResults.FromChange(WorkflowChange.Retry, id, result, after);
    }

    /// <summary>
    /// The workflow read again once a change was made, so that the answer shows it as it is now, tasks included, in
    /// the shape GET /workflows/{id} has; null when nothing was changed.
    /// </summary>
    private static async Task<WorkflowDetails?> ReadAfterChangeAsync(
        WorkflowChangeResult result,
        WorkflowId id,
        IGetWorkflow getWorkflow,
        CancellationToken cancellationToken) =>
        result.Outcome == WorkflowChangeOutcome.Changed
            ? await getWorkflow.GetAsync(new GetWorkflowQuery(id), cancellationToken)
            : null;
}
