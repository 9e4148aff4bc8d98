using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Dashboard.Api;

/// <summary>Read models to the page's shapes, in one place.</summary>
internal static class DashboardMapper
{
    public static OverviewResponse ToResponse(WorkflowOverview overview, IReadOnlyList<WorkflowDefinition> definitions) => new(
        overview.At.UtcDateTime,
        Enum.GetValues<WorkflowStatus>().ToDictionary(
            status => status.ToName(),
            status => ToResponse(overview.CountsByStatus.GetValueOrDefault(status) ?? new CappedCount(0, Capped: false)),
            StringComparer.Ordinal),
        ToResponse(overview.WorkflowsCompleted),
        ToResponse(overview.StepsCompleted),
        overview.StepsQueuedWithin.TotalSeconds,
        ToResponse(overview.FailedLastHour),
        overview.Retention is { } retention ? new RetentionResponse(retention.Enabled, retention.MaxAge.TotalSeconds) : null,
        ToResponse(overview.FinishedKept),
        overview.FinishedDueForDeletion is { } due ? ToResponse(due) : null,
        ToResponse(definitions));

    public static IReadOnlyList<DefinitionResponse> ToResponse(IReadOnlyList<WorkflowDefinition> definitions) =>
        [.. definitions.Select(definition => new DefinitionResponse(definition.Name, definition.TaskNames))];

    public static SummaryPageResponse ToResponse(WorkflowSummaryPage page) => new(
        [.. page.Workflows.Select(ToResponse)],
        page.Next is { } next ? ListCursor.Encode(next) : null);

    public static SummaryResponse ToResponse(WorkflowSummary summary) => new(
        summary.Id.ToString(),
        summary.WorkflowName,
        summary.Status.ToName(),
        summary.CreatedAt.UtcDateTime,
        summary.UpdatedAt.UtcDateTime);

    public static WorkflowDetailResponse ToResponse(WorkflowDetails details, IReadOnlyList<ActivityLogEntry> activity)
    {
        var workflow = details.Workflow;
        return new WorkflowDetailResponse(
            workflow.Id.ToString(),
            workflow.WorkflowName,
            workflow.Status.ToName(),
            workflow.CurrentInput,
            workflow.CreatedAt.UtcDateTime,
            workflow.UpdatedAt.UtcDateTime,
            WorkflowTransitions.IsFinished(workflow.Status),
            WorkflowTransitions.Cancel.CanStartFrom(workflow.Status),
            WorkflowTransitions.Retry.CanStartFrom(workflow.Status),
            [.. details.Tasks.Select(ToResponse)],
            [.. activity.Select(entry => new ActivityDetailResponse(
                entry.Id, entry.TaskId?.Value, entry.Action, entry.Details, entry.CreatedAt.UtcDateTime))]);
    }

    private static TaskDetailResponse ToResponse(TaskView task) => new(
        task.Id.Value,
        task.StepIndex,
        task.TaskName,
        task.Status.ToName(),
        task.Attempt,
        task.MaxAttempts,
        task.ScheduledAt.UtcDateTime,
        task.InputPayload,
        task.OutputPayload,
        task.Error,
        task.WorkerId,
        task.CreatedAt.UtcDateTime,
        task.UpdatedAt.UtcDateTime,
        task.WaitingForSignal);

    private static CountResponse ToResponse(CappedCount count) => new(count.Value, count.Capped);

    private static SeriesResponse ToResponse(CompletionsPerMinute series) => new(
        [.. series.Minutes.Select(minute => new MinuteResponse(minute.Minute.UtcDateTime, minute.Count))],
        series.Capped);
}
