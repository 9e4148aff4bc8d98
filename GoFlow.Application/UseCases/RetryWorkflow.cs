using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

internal sealed class RetryWorkflow(
    IWorkflowRepository repository,
    IWorkflowDefinitions definitions,
    IWorkAvailableSignal workAvailable,
    TimeProvider clock) : IRetryWorkflow
{
    public async Task<WorkflowChangeResult> RetryAsync(WorkflowId id, CancellationToken cancellationToken)
    {
        var details = await repository.FindAsync(id, cancellationToken);
        if (details is null)
        {
            return new WorkflowChangeResult(WorkflowChangeOutcome.NotFound, null);
        }

        // The step to resume from is the one a retry can restart: the one that failed or was cancelled.
        var stopped = details.Tasks.LastOrDefault(task => TaskTransitions.Retry.CanStartFrom(task.Status));
        if (!WorkflowTransitions.Retry.CanStartFrom(details.Workflow.Status) || stopped is null)
        {
            return new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, details.Workflow.Status);
        }

        // The fresh budget is what the step's policy grants today; a definition removed since falls back to one try.
        var freshAttempts = definitions.Find(details.Workflow.WorkflowName)?.StepAt(stopped.StepIndex)?.Policy.MaxAttempts ?? 1;

        // The store guards the change by both statuses, so a concurrent retry or cancel cannot make it twice. The due time
        // is reckoned from the task as read: while the task stays FAILED or CANCELLED nothing changes its scheduled_at,
        // and a task retried, run and stopped again in between was due by then, so the time read is past as well.
        var now = clock.GetUtcNow();
        var dueAt = TaskTransitions.DueAfterRetry(stopped.Attempt, stopped.ScheduledAt, now);
        var result = await repository.RetryAsync(
            new WorkflowRetry(id, stopped.StepIndex, freshAttempts, now, dueAt), cancellationToken);
        if (result.Outcome == WorkflowChangeOutcome.Changed)
        {
            workAvailable.Notify();
        }

        return result;
    }
}
