using GoFlow.Adapters.Dashboard.Pages;
using GoFlow.Adapters.Routing;
using GoFlow.Domain;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GoFlow.Adapters.Dashboard.Api;

/// <summary>
/// The reads the page polls, shaped for its views. Each calls a driving port; none changes anything (changes go
/// through the REST API, so the page gets the API's own answers and there is one way to make each change).
/// </summary>
internal static class DashboardApi
{
    public const string Root = DashboardPages.Root + "/api";

    /// <summary>The longest search text: a workflow id is 36 characters and an Idempotency-Key at most 255.</summary>
    public const int MaxSearchLength = 255;

    /// <summary>The search's one parameter: a workflow id or an Idempotency-Key.</summary>
    public const string SearchParameter = "q";

    private const string InvalidFilters = "The list's filters are not valid.";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Root)
            .ExcludeFromDescription()
            .AddEndpointFilter(SecurityHeaders.AddAsync);

        // Each read answers GET and HEAD, names the query parameters it binds, and is refused any other (QueryParameters).
        group.MapMethods("/overview", ReadMethods.Methods, GetOverview).AddEndpointFilter(QueryParameters.Only());
        group.MapMethods("/definitions", ReadMethods.Methods, GetDefinitions).AddEndpointFilter(QueryParameters.Only());
        group.MapMethods("/workflows", ReadMethods.Methods, ListWorkflows).AddEndpointFilter(QueryParameters.Only(ListRequest.Parameters));
        group.MapMethods("/workflows/{id}", ReadMethods.Methods, GetWorkflow).AddEndpointFilter(QueryParameters.Only());
        group.MapMethods("/search", ReadMethods.Methods, Search).AddEndpointFilter(QueryParameters.Only(SearchParameter));
    }

    public static async Task<JsonHttpResult<OverviewResponse>> GetOverview(
        [FromServices] IGetWorkflowOverview overview,
        [FromServices] IListWorkflowDefinitions definitions,
        CancellationToken cancellationToken)
    {
        var read = await overview.GetAsync(cancellationToken);
        return TypedResults.Json(DashboardMapper.ToResponse(read, definitions.List()), DashboardJson.Options);
    }

    public static JsonHttpResult<IReadOnlyList<DefinitionResponse>> GetDefinitions(
        [FromServices] IListWorkflowDefinitions definitions) =>
        TypedResults.Json(DashboardMapper.ToResponse(definitions.List()), DashboardJson.Options);

    public static async Task<Results<JsonHttpResult<SummaryPageResponse>, ValidationProblem>> ListWorkflows(
        [FromQuery(Name = ListRequest.StatusParameter)] string? status,
        [FromQuery(Name = ListRequest.WorkflowNameParameter)] string? workflowName,
        [FromQuery(Name = ListRequest.CreatedAfterParameter)] string? createdAfter,
        [FromQuery(Name = ListRequest.CreatedBeforeParameter)] string? createdBefore,
        [FromQuery(Name = ListRequest.CursorParameter)] string? cursor,
        [FromServices] IListWorkflowSummaries summaries,
        CancellationToken cancellationToken)
    {
        if (new ListRequest(status, workflowName, createdAfter, createdBefore, cursor).Parse(out var errors) is not { } query)
        {
            return TypedResults.ValidationProblem(errors, title: InvalidFilters);
        }

        var page = await summaries.ListAsync(query, cancellationToken);
        return TypedResults.Json(DashboardMapper.ToResponse(page), DashboardJson.Options);
    }

    public static async Task<Results<JsonHttpResult<WorkflowDetailResponse>, ProblemHttpResult>> GetWorkflow(
        string id,
        [FromServices] IGetWorkflow getWorkflow,
        [FromServices] IGetWorkflowActivity getActivity,
        CancellationToken cancellationToken)
    {
        if (!WorkflowId.TryParse(id, out var workflowId)
            || await getWorkflow.GetAsync(new GetWorkflowQuery(workflowId), cancellationToken) is not { } details)
        {
            return NoSuchWorkflow();
        }

        // The activity is read second: a row written in between is shown on the next poll.
        var activity = await getActivity.GetAsync(new GetWorkflowActivityQuery(workflowId), cancellationToken) ?? [];
        return TypedResults.Json(DashboardMapper.ToResponse(details, activity), DashboardJson.Options);
    }

    public static async Task<Results<JsonHttpResult<SummaryResponse>, ProblemHttpResult, ValidationProblem>> Search(
        [FromQuery(Name = SearchParameter)] string? text,
        [FromServices] IFindWorkflow findWorkflow,
        CancellationToken cancellationToken)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxSearchLength)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [SearchParameter] = [$"Type a workflow id or an Idempotency-Key (1 to {MaxSearchLength} characters)."] },
                title: "Nothing to search for.");
        }

        return await findWorkflow.FindAsync(new FindWorkflowQuery(trimmed), cancellationToken) is { } found
            ? TypedResults.Json(DashboardMapper.ToResponse(found), DashboardJson.Options)
            : TypedResults.Problem(
                "No workflow has this id or was started with this Idempotency-Key.",
                statusCode: StatusCodes.Status404NotFound,
                title: "Not found");
    }

    private static ProblemHttpResult NoSuchWorkflow() =>
        TypedResults.Problem("There is no workflow with this id.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
