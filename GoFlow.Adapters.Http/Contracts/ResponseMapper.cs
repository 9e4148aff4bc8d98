using GoFlow.Adapters.Http.Json;
using GoFlow.Domain;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Http.Contracts;

/// <summary>Turns the ports' read models into the answers' shapes.</summary>
internal static class ResponseMapper
{
    public static WorkflowResponse ToResponse(WorkflowView workflow) => new(
        workflow.Id.ToString(),
        workflow.WorkflowName,
        workflow.Status.ToName(),
        new RawJson(workflow.CurrentInput),
        workflow.CreatedAt.UtcDateTime,
        workflow.UpdatedAt.UtcDateTime);

    public static WorkflowWithTasksResponse ToResponse(WorkflowDetails details)
    {
        var workflow = details.Workflow;
        return new WorkflowWithTasksResponse(
            workflow.Id.ToString(),
            workflow.WorkflowName,
            workflow.Status.ToName(),
            new RawJson(workflow.CurrentInput),
            workflow.CreatedAt.UtcDateTime,
            workflow.UpdatedAt.UtcDateTime,
            // The port promises step order; sorting again keeps the answer right whatever a store returns.
            [.. details.Tasks.OrderBy(task => task.StepIndex).ThenBy(task => task.Id.Value).Select(ToResponse)]);
    }

    public static TaskResponse ToResponse(TaskView task) => new(
        task.Id.Value,
        task.TaskName,
        task.Status.ToName(),
        task.Attempt,
        new RawJson(task.InputPayload),
        RawJson.FromNullable(task.OutputPayload),
        task.Error,
        task.CreatedAt.UtcDateTime,
        task.UpdatedAt.UtcDateTime,
        task.WorkerId,
        task.ScheduledAt.UtcDateTime,
        task.WaitingForSignal is { } signal ? new WaitingForResponse(signal, task.ScheduledAt.UtcDateTime) : null);

    public static ActivityResponse ToResponse(ActivityLogEntry entry) => new(
        entry.Id,
        entry.TaskId?.Value,
        entry.Action,
        RawJson.FromNullable(entry.Details),
        entry.CreatedAt.UtcDateTime);

    public static ScheduleResponse ToResponse(ScheduleView schedule) => new(
        schedule.Name,
        schedule.WorkflowName,
        schedule.Cron,
        schedule.TimeZone,
        schedule.Overlap.ToString(),
        schedule.CatchUp.ToString(),
        schedule.Paused,
        schedule.NextFireAt?.UtcDateTime,
        schedule.LastFireAt?.UtcDateTime,
        schedule.LastWorkflowId?.ToString());

    public static WorkflowDefinitionResponse ToResponse(WorkflowDefinition definition) =>
        new(definition.Name, definition.TaskNames, [.. definition.Steps.Select(ToResponse)]);

    public static StepResponse ToResponse(WorkflowStep step) => new(
        step.TaskName,
        step.Kind.ToString().ToLowerInvariant(),
        step.Wait is { } wait ? new WaitStepResponse(ToText(wait.For), wait.UntilField) : null,
        step.Signal is { } signal ? new SignalStepResponse(signal.Name, ToText(signal.Timeout)!) : null);

    public static SignalResponse ToResponse(SignalReceipt receipt) =>
        new(receipt.WorkflowId.ToString(), receipt.Name, receipt.ReceivedAt.UtcDateTime);

    /// <summary>A duration in the invariant TimeSpan form that configuration takes too (<c>2.00:00:00</c> is two days).</summary>
    private static string? ToText(TimeSpan? duration) =>
        duration?.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
}
