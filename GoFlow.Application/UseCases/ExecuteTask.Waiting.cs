using System.Text.Json;
using System.Text.Json.Nodes;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.Logging;

namespace GoFlow.Application.UseCases;

/// <summary>The steps that end an attempt without a handler's output: a wait, a signal step, and a snooze.</summary>
internal sealed partial class ExecuteTask
{
    /// <summary>
    /// A claimed wait step: its input passes through as its output once the wait has ended; before that it is snoozed
    /// until the end; an end that cannot be read fails the step for good, as a handler's permanent failure would.
    /// </summary>
    private async Task<AttemptResult> PassWaitAsync(
        ClaimedTask task,
        WorkflowDefinition definition,
        StepWait wait,
        bool handOver,
        Action? handlerReturned,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var end = wait.EndWhenClaimed(task.InputPayload, now);
        if (end.Error is { } error)
        {
            return new(await FailAsync(task, error, retryAt: null, cancellationToken));
        }

        if (end.Due > now)
        {
            return new(await SnoozeAsync(task, end.Due.Value, cancellationToken));
        }

        return await RecordOutputAsync(task, definition, task.InputPayload, handOver, handlerReturned, cancellationToken);
    }

    /// <summary>
    /// A signal step's body: the stored signal's payload merged over the step's input when it came, else the task is
    /// parked to wait for it until its timeout (ADR 0020). Parking ends the attempt; the delivery wakes the task, and
    /// its next claim comes back here and finds the signal.
    /// </summary>
    private async ValueTask<(JsonObject? Output, AttemptResult? Ended)> AwaitSignalAsync(
        ClaimedTask task, StepSignal signal, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var awaited = await RecordAsync(
            () => signals.AwaitAsync(new SignalAwait(task, signal.Name, now + signal.Timeout, now), CancellationToken.None),
            cancellationToken);
        switch (awaited)
        {
            case SignalAwaitResult.Arrived { Payload: var payload }:
                // Both were checked to be JSON objects before they were stored.
                var input = JsonNode.Parse(task.InputPayload) as JsonObject
                    ?? throw new JsonException("The task's input is not a JSON object.");
                var received = JsonNode.Parse(payload) as JsonObject
                    ?? throw new JsonException($"The payload of signal '{signal.Name}' is not a JSON object.");
                return (StepSignal.MergeInto(input, received), null);
            case SignalAwaitResult.Parked:
                LogWaiting(task.TaskName, task.WorkflowId.ToString(), signal.Name, now + signal.Timeout);
                return (null, new(AttemptOutcome.Waiting));
            default:
                LogResultRejected(task.TaskName, task.WorkflowId.ToString(), task.Attempt);
                return (null, new(AttemptOutcome.Rejected));
        }
    }

    /// <summary>Hands the task back due at <paramref name="until"/>, the attempt not counted (<see cref="TaskTransitions.Snooze"/>).</summary>
    private async Task<AttemptOutcome> SnoozeAsync(ClaimedTask task, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var recorded = await RecordAsync(
            () => queue.SnoozeAsync(new TaskSnooze(task, until, clock.GetUtcNow()), CancellationToken.None),
            cancellationToken);
        if (!recorded)
        {
            LogResultRejected(task.TaskName, task.WorkflowId.ToString(), task.Attempt);
            return AttemptOutcome.Rejected;
        }

        LogSnoozed(task.TaskName, task.WorkflowId.ToString(), task.Attempt, until);
        return AttemptOutcome.Snoozed;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Task {TaskName} of workflow {WorkflowId} waits for signal {SignalName} until {TimeoutAt}")]
    private partial void LogWaiting(string taskName, string workflowId, string signalName, DateTimeOffset timeoutAt);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Task {TaskName} of workflow {WorkflowId}, attempt {Attempt}, snoozed until {Until}")]
    private partial void LogSnoozed(string taskName, string workflowId, int attempt, DateTimeOffset until);
}
