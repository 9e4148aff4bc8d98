using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using GoFlow.Application.Tasks;
using GoFlow.Application.Telemetry;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoFlow.Application.UseCases;

/// <summary>
/// The step logic: run the claimed task's handler within its timeout, then record its output (and queue the next
/// step), a snooze, a retry, or its failure. A wait step has no handler: its input passes through once it has ended.
/// </summary>
internal sealed partial class ExecuteTask(
    ITaskQueue queue,
    ISignalInbox signals,
    CompletionGroupCommit completions,
    ILeasePolicy leases,
    IWorkflowDefinitions definitions,
    IServiceProvider services,
    IWorkAvailableSignal workAvailable,
    EngineTelemetry telemetry,
    TimeProvider clock,
    IOptions<StepOutputOptions> outputOptions,
    ILogger<ExecuteTask> logger) : IExecuteTask
{
    public Task<AttemptResult> ExecuteAsync(ClaimedTask task, bool handOver, CancellationToken cancellationToken) =>
        ExecuteStepAsync(task, handOver, handlerReturned: null, cancellationToken);

    public Task<AttemptResult> ExecuteAsync(
        ClaimedTask task, bool handOver, Action handlerReturned, CancellationToken cancellationToken) =>
        ExecuteStepAsync(task, handOver, handlerReturned, cancellationToken);

    private async Task<AttemptResult> ExecuteStepAsync(
        ClaimedTask task, bool handOver, Action? handlerReturned, CancellationToken cancellationToken)
    {
        // A child of the request that started the workflow, when it came with a trace: one trace from HTTP to the last task.
        ActivityContext.TryParse(task.TraceParent, traceState: null, out var startedBy);
        using var span = EngineTelemetry.ActivitySource.StartActivity("goflow.task.execute", ActivityKind.Internal, startedBy);
        span?.SetTag("workflow_name", task.WorkflowName)
            .SetTag("workflow_id", task.WorkflowId.ToString())
            .SetTag("task_name", task.TaskName)
            .SetTag("task_id", task.Id.Value)
            .SetTag("attempt", task.Attempt);
        var started = clock.GetTimestamp();
        var execution = await RunAndRecordAsync(task, handOver, handlerReturned, cancellationToken);
        var outcome = execution.Outcome;
        var duration = clock.GetElapsedTime(started);
        span?.SetTag("outcome", outcome.ToString());
        switch (outcome)
        {
            case AttemptOutcome.Completed:
                telemetry.AttemptCompleted(task.WorkflowName, task.TaskName, duration);
                break;
            case AttemptOutcome.RetryScheduled:
                telemetry.AttemptFailed(task.WorkflowName, task.TaskName, duration, retried: true);
                break;
            case AttemptOutcome.Failed:
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
                telemetry.AttemptFailed(task.WorkflowName, task.TaskName, duration, retried: false);
                telemetry.WorkflowFailed(task.WorkflowName);
                break;
        }

        return execution;
    }

    private async Task<AttemptResult> RunAndRecordAsync(
        ClaimedTask task, bool handOver, Action? handlerReturned, CancellationToken cancellationToken)
    {
        var definition = definitions.Find(task.WorkflowName);
        var step = definition?.StepAt(task.StepIndex);
        if (definition is null || step is null || step.TaskName != task.TaskName)
        {
            return new(await FailAsync(
                task,
                $"Workflow '{task.WorkflowName}' has no step {task.StepIndex} named '{task.TaskName}' in its definition.",
                retryAt: null,
                cancellationToken));
        }

        if (step.Wait is { } wait)
        {
            return await PassWaitAsync(task, definition, wait, handOver, handlerReturned, cancellationToken);
        }

        var (result, ended) = step.Signal is { } signal
            ? await AwaitSignalAsync(task, signal, cancellationToken)
            : await RunHandlerAsync(task, step, cancellationToken);
        if (ended is not null)
        {
            return ended;
        }

        // An output too large (or not writable as JSON) is the same on every attempt: the task fails for good here,
        // before the store is asked to hold it.
        if (!StepOutput.TryWrite(result!, outputOptions.Value.MaxBytes, out var output, out var refusal))
        {
            LogOutputRefused(task.TaskName, task.WorkflowId.ToString(), task.Attempt, refusal);
            return new(await FailAsync(task, refusal, retryAt: null, cancellationToken));
        }

        return await RecordOutputAsync(task, definition, output, handOver, handlerReturned, cancellationToken);
    }

    /// <summary>Records <paramref name="output"/> as the task's, and queues the next step: due now, or at its wait's end.</summary>
    /// <remarks>
    /// <paramref name="handlerReturned"/> is told once the completion has joined its group commit: the caller's handler
    /// slot can take another step while this one waits for its record. A failure, retry or snooze is recorded on its
    /// own, not grouped, and keeps its slot until then: rare, and not worth a second way out of the slot.
    /// </remarks>
    private async Task<AttemptResult> RecordOutputAsync(
        ClaimedTask task,
        WorkflowDefinition definition,
        string output,
        bool handOver,
        Action? handlerReturned,
        CancellationToken cancellationToken)
    {
        var nextStep = definition.StepAfter(task.StepIndex);
        var now = clock.GetUtcNow();
        var nextStepDueAt = nextStep?.DueAt(output, now);
        var advance = StepAdvance.After(nextStep, handOver, task.LeaseOwner, leases.LeaseDuration, nextStepDueAt);

        // At-least-once checkpoint: until this commit succeeds the handler's work is not recorded, and a crash here
        // runs it again once the lease ends. The write itself is not cancelled by shutdown: dropping a finished
        // result would run the handler again for nothing. It shares its commit with the other steps finishing now.
        // The hand-over's lease is reckoned by the store from its commit's time, so a write that waited out an outage
        // hands over a live lease.
        var completion = new TaskCompletion(task, output, advance);
        AttemptResult recorded;
        try
        {
            // RecordAsync's first try, written out here (the same filter as there): every step records through this line,
            // and a method of its own between the step and its group commit cost each step an awaiting state machine, a
            // closure and a task.
            try
            {
                var recording = completions.CompleteAsync(completion);
                handlerReturned?.Invoke();
                recorded = await recording;
            }
            catch (StoreUnavailableException exception) when (!cancellationToken.IsCancellationRequested)
            {
                recorded = await RecordAgainAsync(exception, () => completions.CompleteAsync(completion), cancellationToken);
            }
        }
        catch (PayloadTooLargeForStoreException exception)
        {
            // The store will refuse this completion every time: a permanent failure, not a run again after each lease.
            LogOutputRefused(task.TaskName, task.WorkflowId.ToString(), task.Attempt, exception.Message);
            return new(await FailAsync(
                task, "The task's output is too large for the store to record.", retryAt: null, cancellationToken));
        }

        if (recorded.Outcome == AttemptOutcome.Rejected)
        {
            LogResultRejected(task.TaskName, task.WorkflowId.ToString(), task.Attempt);
            return recorded;
        }

        if (nextStep is null)
        {
            telemetry.WorkflowCompleted(task.WorkflowName);
        }
        else if (recorded.NextTask is { } handedOver)
        {
            // Claimed in the same commit that made it due: it waited for no worker.
            telemetry.TaskClaimed(handedOver.WorkflowName, handedOver.TaskName, TimeSpan.Zero);
        }
        else if (nextStepDueAt is null)
        {
            // Left PENDING for any worker: wake this process's, rather than let it wait for its next poll.
            workAvailable.Notify();
        }

        return recorded;
    }

    /// <summary>Runs the step's handler within its timeout: its output, or the attempt's recorded end when it failed.</summary>
    /// <remarks>A <see cref="ValueTask{TResult}"/>: a handler that answers at once (most do) costs no task object.</remarks>
    private async ValueTask<(JsonObject? Output, AttemptResult? Ended)> RunHandlerAsync(
        ClaimedTask task, WorkflowStep step, CancellationToken cancellationToken)
    {
        var handler = services.GetKeyedService<ITaskHandler>(task.TaskName);
        if (handler is null)
        {
            return (null, new(await FailAsync(
                task, $"No handler is registered for task '{task.TaskName}'.", retryAt: null, cancellationToken)));
        }

        // The handler's token is the timeout's, which a stop of the attempt cancels too: one token source per step
        // rather than a third one linking the two.
        using var timeout = new CancellationTokenSource(step.Policy.Timeout, clock);
        using var stopped = cancellationToken.UnsafeRegister(static timeout => ((CancellationTokenSource)timeout!).Cancel(), timeout);
        try
        {
            var input = JsonNode.Parse(task.InputPayload) as JsonObject
                ?? throw new JsonException("The task's input is not a JSON object.");
            return (await handler.HandleAsync(input, timeout.Token)
                ?? throw new InvalidOperationException($"The handler of task '{task.TaskName}' returned no output."), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown or a lost lease: the attempt is abandoned, not failed; the worker decides what becomes of it.
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // Not stopped (the clause above), so the timeout fired.
            LogTimedOut(task.TaskName, task.WorkflowId.ToString(), task.Attempt, step.Policy.Timeout);
            return (null, new(await FailAttemptAsync(
                task, step.Policy, $"The attempt timed out after {step.Policy.Timeout}.", cancellationToken)));
        }
        catch (TaskSnoozeException snooze)
        {
            return (null, new(await SnoozeAsync(task, clock.GetUtcNow() + snooze.Delay, cancellationToken)));
        }
        catch (PermanentTaskFailureException exception)
        {
            LogHandlerFailed(exception, task.TaskName, task.WorkflowId.ToString(), task.Attempt);
            return (null, new(await FailAsync(task, exception.Message, retryAt: null, cancellationToken)));
        }
#pragma warning disable CA1031 // Any exception a handler throws is that attempt's failure, recorded as such.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogHandlerFailed(exception, task.TaskName, task.WorkflowId.ToString(), task.Attempt);
            return (null, new(await FailAttemptAsync(task, step.Policy, exception.Message, cancellationToken)));
        }
    }

    /// <summary>Fails the attempt: a retry after the backoff while attempts are left, else the task for good.</summary>
    private Task<AttemptOutcome> FailAttemptAsync(
        ClaimedTask task, TaskPolicy policy, string error, CancellationToken cancellationToken)
    {
        DateTimeOffset? retryAt = TaskTransitions.AfterFailedAttempt(task.Attempt, task.MaxAttempts) == TaskTransitions.ScheduleRetry
            ? clock.GetUtcNow() + policy.Backoff.DelayAfter(task.Attempt, Random.Shared.NextDouble())
            : null;
        return FailAsync(task, error, retryAt, cancellationToken);
    }

    private async Task<AttemptOutcome> FailAsync(
        ClaimedTask task, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        var recorded = await RecordAsync(
            () => queue.FailAsync(new TaskFailure(task, error, retryAt, clock.GetUtcNow()), CancellationToken.None),
            cancellationToken);
        if (!recorded)
        {
            LogResultRejected(task.TaskName, task.WorkflowId.ToString(), task.Attempt);
            return AttemptOutcome.Rejected;
        }

        return retryAt is null ? AttemptOutcome.Failed : AttemptOutcome.RetryScheduled;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Task {TaskName} of workflow {WorkflowId} failed on attempt {Attempt}")]
    private partial void LogHandlerFailed(Exception exception, string taskName, string workflowId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Task {TaskName} of workflow {WorkflowId} timed out on attempt {Attempt} after {Timeout}")]
    private partial void LogTimedOut(string taskName, string workflowId, int attempt, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The result of task {TaskName} of workflow {WorkflowId}, attempt {Attempt}, was not recorded: the lease was taken over (the task is no longer held by this worker's claim)")]
    private partial void LogResultRejected(string taskName, string workflowId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The output of task {TaskName} of workflow {WorkflowId}, attempt {Attempt}, cannot be stored; the task fails: {Reason}")]
    private partial void LogOutputRefused(string taskName, string workflowId, int attempt, string reason);
}
