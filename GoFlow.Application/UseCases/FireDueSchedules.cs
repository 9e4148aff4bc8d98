using GoFlow.Application.Schedules;
using GoFlow.Application.Telemetry;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Application.UseCases;

/// <summary>
/// Each schedule's latest due fire, handled once: started as a workflow under an idempotency key derived from the
/// schedule's name and the fire time, so that when several hosts handle the same fire the store's unique index lets
/// one workflow through and the others find it. Then the fire is recorded, so it is not handled again.
/// </summary>
internal sealed class FireDueSchedules(
    ConfiguredSchedules schedules,
    IScheduleStore store,
    IWorkflowRepository workflows,
    IStartWorkflow startWorkflow,
    EngineTelemetry telemetry,
    TimeProvider clock) : IFireDueSchedules
{
    public async Task<DateTimeOffset?> FireDueAsync(FireDueSchedulesCommand command, CancellationToken cancellationToken)
    {
        if (schedules.All.Count == 0)
        {
            return null;
        }

        var states = await store.ReadAllAsync(cancellationToken);
        var now = clock.GetUtcNow();
        DateTimeOffset? next = null;
        foreach (var schedule in schedules.All)
        {
            var state = states.GetValueOrDefault(schedule.Name);
            var since = state?.LastFireAt ?? command.RunningSince;
            if (schedule.LatestBetween(since, now) is { } fireAt)
            {
                var outcome = await FireAsync(schedule, state, fireAt, now, cancellationToken);
                telemetry.ScheduleFired(schedule.Name, outcome);
            }

            if (schedule.NextAfter(now) is { } upcoming && (next is null || upcoming < next))
            {
                next = upcoming;
            }
        }

        return next;
    }

    private async Task<string> FireAsync(
        Schedule schedule, ScheduleState? state, DateTimeOffset fireAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var skipped = await ReasonToSkipAsync(schedule, state, fireAt, now, cancellationToken);
        if (skipped is not null)
        {
            await store.RecordFireAsync(schedule.Name, fireAt, workflowId: null, now, cancellationToken);
            return skipped;
        }

        var result = await startWorkflow.StartAsync(
            new StartWorkflowCommand(schedule.WorkflowName, schedule.Input, schedule.FireKey(fireAt)), cancellationToken);
        var (workflowId, outcome) = result switch
        {
            StartWorkflowResult.Started started => ((WorkflowId?)started.Workflow.Id, ScheduleFireOutcome.Started),
            // Another host handled this fire first: its workflow is the fire's.
            StartWorkflowResult.AlreadyStarted already => (already.Workflow.Id, ScheduleFireOutcome.StartedElsewhere),
            // Another host, configured with another input for this schedule, handled it first: still one workflow.
            StartWorkflowResult.KeyReused => (null, ScheduleFireOutcome.StartedElsewhere),
            _ => throw new InvalidOperationException(
                $"Schedule '{schedule.Name}' could not start workflow '{schedule.WorkflowName}': {result}"),
        };
        await store.RecordFireAsync(schedule.Name, fireAt, workflowId, now, cancellationToken);
        return outcome;
    }

    private async Task<string?> ReasonToSkipAsync(
        Schedule schedule, ScheduleState? state, DateTimeOffset fireAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (state?.Paused == true)
        {
            return ScheduleFireOutcome.SkippedPaused;
        }

        if (now - fireAt > Schedule.MissedAfter && schedule.CatchUp == ScheduleCatchUp.None)
        {
            return ScheduleFireOutcome.SkippedMissed;
        }

        if (schedule.Overlap == ScheduleOverlap.Skip
            && state?.LastWorkflowId is { } previous
            && await workflows.FindAsync(previous, cancellationToken) is { } running
            && !WorkflowTransitions.IsFinished(running.Workflow.Status))
        {
            return ScheduleFireOutcome.SkippedOverlap;
        }

        return null;
    }
}
