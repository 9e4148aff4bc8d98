using GoFlow.Adapters.Http.Contracts;
using GoFlow.Adapters.Http.OpenApi;
using GoFlow.Adapters.Routing;
using GoFlow.Ports.Driving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GoFlow.Adapters.Http.Apis;

/// <summary>/workflow-definitions: the workflows that can be started.</summary>
internal static class WorkflowDefinitionsApi
{
    public static RouteGroupBuilder MapWorkflowDefinitionsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/workflow-definitions").WithTags("Workflow definitions").ProducesCommonProblems();

        group.MapMethods("/", ReadMethods.Methods, ListWorkflowDefinitions)
            .WithName(nameof(ListWorkflowDefinitions))
            .WithSummary("List the workflows that can be started, each with its tasks in order");

        return group;
    }

    public static Ok<DataResponse<IReadOnlyList<WorkflowDefinitionResponse>>> ListWorkflowDefinitions(
        [FromServices] IListWorkflowDefinitions listWorkflowDefinitions) =>
        ApiResults.Definitions(listWorkflowDefinitions.List());
}
