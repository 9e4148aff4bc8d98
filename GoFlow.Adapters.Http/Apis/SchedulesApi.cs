using GoFlow.Adapters.Http.Contracts;
using GoFlow.Adapters.Http.OpenApi;
using GoFlow.Adapters.Routing;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GoFlow.Adapters.Http.Apis;

/// <summary>
/// /schedules: the configured schedules with their next fire, and an operator's pause, resume and trigger. The
/// schedules themselves are configuration (the <c>Schedules</c> section); only their pause state is changed here.
/// </summary>
internal static class SchedulesApi
{
    public static RouteGroupBuilder MapSchedulesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/schedules").WithTags("Schedules").ProducesCommonProblems();

        group.MapMethods("/", ReadMethods.Methods, ListSchedules)
            .WithName(nameof(ListSchedules))
            .WithSummary("List the schedules by name, each with its next fire time and whether it is paused");

        group.MapPost("/{name}/pause", PauseSchedule)
            .WithName(nameof(PauseSchedule))
            .WithSummary("Pause a schedule: its fires are skipped until it is resumed")
            .WithDescription("200 with the schedule as it is after the change; pausing a paused schedule changes nothing. No body.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{name}/resume", ResumeSchedule)
            .WithName(nameof(ResumeSchedule))
            .WithSummary("Resume a paused schedule from its next fire; the fires it skipped are not made up")
            .WithDescription("200 with the schedule as it is after the change; resuming a running schedule changes nothing. No body.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{name}/trigger", TriggerSchedule)
            .WithName(nameof(TriggerSchedule))
            .WithSummary("Start the schedule's workflow now, paused or not")
            .WithDescription(
                "201 with the new workflow, as POST /workflows answers. It is no fire of the schedule: its overlap policy " +
                "does not hold it back and its next fire stays as it was. No body.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    public static async Task<Ok<DataResponse<IReadOnlyList<ScheduleResponse>>>> ListSchedules(
        [FromServices] IListSchedules listSchedules, CancellationToken cancellationToken)
    {
        var schedules = await listSchedules.ListAsync(cancellationToken);
        return TypedResults.Ok(new DataResponse<IReadOnlyList<ScheduleResponse>>([.. schedules.Select(ResponseMapper.ToResponse)]));
    }

    public static Task<Results<Ok<DataResponse<ScheduleResponse>>, ProblemHttpResult>> PauseSchedule(
        string name, [FromServices] IPauseSchedule pauseSchedule, CancellationToken cancellationToken) =>
        SetPausedAsync(new PauseScheduleCommand(name, Paused: true), pauseSchedule, cancellationToken);

    public static Task<Results<Ok<DataResponse<ScheduleResponse>>, ProblemHttpResult>> ResumeSchedule(
        string name, [FromServices] IPauseSchedule pauseSchedule, CancellationToken cancellationToken) =>
        SetPausedAsync(new PauseScheduleCommand(name, Paused: false), pauseSchedule, cancellationToken);

    public static async Task<StartWorkflowAnswer> TriggerSchedule(
        string name, [FromServices] ITriggerSchedule triggerSchedule, CancellationToken cancellationToken) =>
        await triggerSchedule.TriggerAsync(name, cancellationToken) is { } result
            ? ApiResults.FromStartResult(result)
            : ScheduleNotFound();

    private static async Task<Results<Ok<DataResponse<ScheduleResponse>>, ProblemHttpResult>> SetPausedAsync(
        PauseScheduleCommand command, IPauseSchedule pauseSchedule, CancellationToken cancellationToken) =>
        await pauseSchedule.SetPausedAsync(command, cancellationToken) is { } schedule
            ? TypedResults.Ok(new DataResponse<ScheduleResponse>(ResponseMapper.ToResponse(schedule)))
            : ScheduleNotFound();

    private static ProblemHttpResult ScheduleNotFound() => TypedResults.Problem(
        // The name is not quoted back: the client sent it, and a path may be kilobytes long.
        "No schedule has this name; GET /schedules lists them.",
        statusCode: StatusCodes.Status404NotFound,
        title: "Schedule not found");
}
