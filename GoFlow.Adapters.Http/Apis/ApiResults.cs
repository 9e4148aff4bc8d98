using GoFlow.Adapters.Http.Contracts;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
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

    public const string WorkflowAlreadyStartedMessage = "Workflow already started with this Idempotency-Key";

    /// <summary>The member of a 409 problem that names the workflow's status (<c>status</c> is the HTTP status).</summary>
    public const string WorkflowStatusMember = "workflow_status";

    /// <summary>POST /workflows: what the use case decided.</summary>
    public static StartWorkflowAnswer FromStartResult(
        StartWorkflowResult result) => result switch
        {
            StartWorkflowResult.Started started => TypedResults.Created(
                WorkflowLocation(started.Workflow.Id.ToString()),
                new MessageResponse<WorkflowResponse>(WorkflowStartedMessage, ResponseMapper.ToResponse(started.Workflow))),
            // The first answer's shape, id and Location, with the workflow as it is now: a client that sent its request
            // again can handle both answers alike.
            StartWorkflowResult.AlreadyStarted already => new OkWithLocation<MessageResponse<WorkflowResponse>>(
                WorkflowLocation(already.Workflow.Id.ToString()),
                new MessageResponse<WorkflowResponse>(WorkflowAlreadyStartedMessage, ResponseMapper.ToResponse(already.Workflow))),
            StartWorkflowResult.KeyReused reused => TypedResults.Problem(
                reused.Detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused"),
            StartWorkflowResult.Invalid invalid => TypedResults.ValidationProblem(
                invalid.Errors.ToDictionary(error => error.Key, error => error.Value)),
            _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown start result."),
        };

    /// <summary>POST /workflows: a body refused before it reached the use case.</summary>
    public static StartWorkflowAnswer Refused(
        StartRequestOutcome refusal) => refusal switch
        {
            StartRequestOutcome.UnsupportedMediaType unsupported => TypedResults.Problem(
                unsupported.Detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type"),
            StartRequestOutcome.TooLarge tooLarge => TypedResults.Problem(
                tooLarge.Detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large"),
            StartRequestOutcome.Malformed malformed => TypedResults.Problem(
                malformed.Detail, statusCode: StatusCodes.Status400BadRequest, title: "Malformed request body"),
            StartRequestOutcome.InvalidField invalid => TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [invalid.Field] = [invalid.Message] }),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "Not a refusal."),
        };

    /// <summary>POST /workflows/{id}/signals/{name}: a body refused before it reached the use case, as a start's would be.</summary>
    public static Results<Accepted<DataResponse<SignalResponse>>, ValidationProblem, ProblemHttpResult> RefusedSignal(
        StartRequestOutcome refusal) => Refused(refusal).Result switch
        {
            ValidationProblem invalid => invalid,
            ProblemHttpResult problem => problem,
            var other => throw new ArgumentOutOfRangeException(nameof(refusal), other, "Not a refusal."),
        };

    /// <summary>POST /workflows/{id}/signals/{name}: what the use case decided. A repeat answers as the first delivery did.</summary>
    public static Results<Accepted<DataResponse<SignalResponse>>, ValidationProblem, ProblemHttpResult> FromSignalResult(
        string id, DeliverSignalResult result) => result switch
        {
            DeliverSignalResult.Delivered delivered => SignalAccepted(id, delivered.Receipt),
            DeliverSignalResult.AlreadyDelivered repeated => SignalAccepted(id, repeated.Receipt),
            DeliverSignalResult.Invalid invalid => TypedResults.ValidationProblem(
                invalid.Errors.ToDictionary(error => error.Key, error => error.Value)),
            DeliverSignalResult.WorkflowNotFound => WorkflowNotFound(id),
            DeliverSignalResult.NoStepWaits none => TypedResults.Problem(
                none.Detail, statusCode: StatusCodes.Status404NotFound, title: "No step waits for this signal"),
            DeliverSignalResult.KeyReused reused => TypedResults.Problem(
                reused.Detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused"),
            DeliverSignalResult.Conflict conflict => TypedResults.Problem(
                conflict.Detail, statusCode: StatusCodes.Status409Conflict, title: "Signal not accepted"),
            _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown signal result."),
        };

    /// <summary>GET /workflows: a page, with the cursor of the next one.</summary>
    public static Ok<WorkflowListResponse> Page(WorkflowPage page) => TypedResults.Ok(new WorkflowListResponse(
        [.. page.Workflows.Select(ResponseMapper.ToResponse)],
        page.Next is null ? null : WorkflowListCursor.Encode(page.Next)));

    /// <summary>GET /workflows: a query refused before it reached the use case.</summary>
    public static ValidationProblem InvalidQuery(IDictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors);

    /// <summary>
    /// POST /workflows/{id}/cancel and /retry: what the change came to. <paramref name="after"/> is the workflow read
    /// again after a change was made, so the answer shows it as it now is; null when it was not changed, or is gone.
    /// </summary>
    public static Results<Ok<DataResponse<WorkflowWithTasksResponse>>, ProblemHttpResult> FromChange(
        WorkflowChange change, string id, WorkflowChangeResult result, WorkflowDetails? after) => result.Outcome switch
        {
            WorkflowChangeOutcome.Changed when after is not null => Found(after),
            WorkflowChangeOutcome.Changed or WorkflowChangeOutcome.NotFound => WorkflowNotFound(id),
            WorkflowChangeOutcome.Conflict => NotAllowed(change, id, result.Status),
            _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown change outcome."),
        };

    public static Ok<DataResponse<WorkflowWithTasksResponse>> Found(WorkflowDetails details) =>
        TypedResults.Ok(new DataResponse<WorkflowWithTasksResponse>(ResponseMapper.ToResponse(details)));

    public static Ok<DataResponse<IReadOnlyList<ActivityResponse>>> Found(IReadOnlyList<ActivityLogEntry> activity) =>
        TypedResults.Ok(new DataResponse<IReadOnlyList<ActivityResponse>>([.. activity.Select(ResponseMapper.ToResponse)]));

    public static Ok<DataResponse<IReadOnlyList<WorkflowDefinitionResponse>>> Definitions(
        IReadOnlyList<WorkflowDefinition> definitions) =>
        TypedResults.Ok(new DataResponse<IReadOnlyList<WorkflowDefinitionResponse>>(
            [.. definitions.Select(ResponseMapper.ToResponse)]));

    /// <summary>
    /// No such workflow; a malformed id gets the same answer, since no workflow can have it, without being quoted back:
    /// it may be kilobytes long.
    /// </summary>
    public static ProblemHttpResult WorkflowNotFound(string id) => TypedResults.Problem(
        WorkflowId.TryParse(id, out var parsed) ? $"There is no workflow with id '{parsed}'." : "No workflow has this id.",
        statusCode: StatusCodes.Status404NotFound,
        title: "Workflow not found");

    public static string WorkflowLocation(string id) => $"/workflows/{id}";

    private static Accepted<DataResponse<SignalResponse>> SignalAccepted(string id, SignalReceipt receipt) =>
        TypedResults.Accepted(WorkflowLocation(id), new DataResponse<SignalResponse>(ResponseMapper.ToResponse(receipt)));

    /// <summary><c>PENDING or RUNNING</c>: the statuses a workflow may take <paramref name="transition"/> from, as the answers name them.</summary>
    public static string StatusesAllowing(WorkflowTransition transition) =>
        string.Join(" or ", transition.From.Select(from => from.ToName()));

    private static ProblemHttpResult NotAllowed(WorkflowChange change, string id, WorkflowStatus? status)
    {
        var (verb, transition) = change switch
        {
            WorkflowChange.Cancel => ("cancelled", WorkflowTransitions.Cancel),
            WorkflowChange.Retry => ("retried", WorkflowTransitions.Retry),
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown change."),
        };
        var allowed = StatusesAllowing(transition);
        var statusName = status?.ToName();
        return TypedResults.Problem(
            $"Workflow '{id}' is {statusName ?? "in a status that does not allow it"}; only a {allowed} workflow can be {verb}.",
            statusCode: StatusCodes.Status409Conflict,
            title: $"Workflow cannot be {verb}",
            extensions: new Dictionary<string, object?> { [WorkflowStatusMember] = statusName });
    }
}

/// <summary>The operator's changes to a workflow, for the answers that name them.</summary>
internal enum WorkflowChange
{
    Cancel,
    Retry,
}
