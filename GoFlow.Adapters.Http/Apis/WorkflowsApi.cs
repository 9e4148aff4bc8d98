using GoFlow.Adapters.Http.Contracts;
using GoFlow.Domain;
using GoFlow.Ports.Driving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Http.Apis;

/// <summary>/workflows: start a workflow, read it with its tasks, read its activity log.</summary>
internal static class WorkflowsApi
{
    public static RouteGroupBuilder MapWorkflowsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/workflows").WithTags("Workflows");

        group.MapPost("/", StartWorkflow).WithName(nameof(StartWorkflow));
        group.MapGet("/{id}", GetWorkflow).WithName(nameof(GetWorkflow));
        group.MapGet("/{id}/activity", GetWorkflowActivity).WithName(nameof(GetWorkflowActivity));

        return group;
    }

    // The body is read by hand (no bound parameter), so content type, size, JSON syntax, nesting and field types are
    // answered here instead of by the framework's binder, under the limits of ApiOptions.
    public static async Task<Results<Created<MessageResponse<WorkflowResponse>>, ValidationProblem, ProblemHttpResult>> StartWorkflow(
        HttpRequest request,
        [FromServices] IStartWorkflow startWorkflow,
        [FromServices] IOptions<ApiOptions> options,
        CancellationToken cancellationToken)
    {
        var body = await StartWorkflowRequestReader.ReadAsync(request, options.Value, cancellationToken);
        if (body is not StartWorkflowBody.Command command)
        {
            return ApiResults.Refused(body);
        }

        var result = await startWorkflow.StartAsync(command.Value, cancellationToken);
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
}
