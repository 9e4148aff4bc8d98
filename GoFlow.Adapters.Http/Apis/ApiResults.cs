using GoFlow.Adapters.Http.Contracts;
using GoFlow.Domain;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoFlow.Adapters.Http.Apis;

/// <summary>
/// Every answer the endpoints give, built from what the use cases returned: the one place where a use-case outcome
/// becomes an HTTP status, a Location or a problem.
/// </summary>
internal static class ApiResults
{
    public const string WorkflowStartedMessage = "Workflow started successfully";

    /// <summary>POST /workflows: what the use case decided.</summary>
    public static Results<Created<MessageResponse<WorkflowResponse>>, ValidationProblem, ProblemHttpResult> FromStartResult(
        StartWorkflowResult result) => result switch
        {
            StartWorkflowResult.Started started => TypedResults.Created(
                WorkflowLocation(started.Workflow.Id.ToString()),
                new MessageResponse<WorkflowResponse>(WorkflowStartedMessage, ResponseMapper.ToResponse(started.Workflow))),
            StartWorkflowResult.Invalid invalid => TypedResults.ValidationProblem(
                invalid.Errors.ToDictionary(error => error.Key, error => error.Value)),
            _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown start result."),
        };

    /// <summary>POST /workflows: a body refused before it reached the use case.</summary>
    public static Results<Created<MessageResponse<WorkflowResponse>>, ValidationProblem, ProblemHttpResult> Refused(
        StartWorkflowBody refusal) => refusal switch
        {
            StartWorkflowBody.UnsupportedMediaType unsupported => TypedResults.Problem(
                unsupported.Detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type"),
            StartWorkflowBody.TooLarge tooLarge => TypedResults.Problem(
                tooLarge.Detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large"),
            StartWorkflowBody.Malformed malformed => TypedResults.Problem(
                malformed.Detail, statusCode: StatusCodes.Status400BadRequest, title: "Malformed request body"),
            StartWorkflowBody.InvalidField invalid => TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [invalid.Field] = [invalid.Message] }),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "Not a refusal."),
        };

    public static Ok<DataResponse<WorkflowWithTasksResponse>> Found(WorkflowDetails details) =>
        TypedResults.Ok(new DataResponse<WorkflowWithTasksResponse>(ResponseMapper.ToResponse(details)));

    public static Ok<DataResponse<IReadOnlyList<ActivityResponse>>> Found(IReadOnlyList<ActivityLogEntry> activity) =>
        TypedResults.Ok(new DataResponse<IReadOnlyList<ActivityResponse>>([.. activity.Select(ResponseMapper.ToResponse)]));

    public static Ok<DataResponse<IReadOnlyList<WorkflowDefinitionResponse>>> Definitions(
        IReadOnlyList<WorkflowDefinition> definitions) =>
        TypedResults.Ok(new DataResponse<IReadOnlyList<WorkflowDefinitionResponse>>(
            [.. definitions.Select(ResponseMapper.ToResponse)]));

    /// <summary>No such workflow; a malformed id gets the same answer, since no workflow can have it.</summary>
    public static ProblemHttpResult WorkflowNotFound(string id) => TypedResults.Problem(
        $"There is no workflow with id '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Workflow not found");

    public static string WorkflowLocation(string id) => $"/workflows/{id}";
}
