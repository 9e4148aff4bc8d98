using System.Text.Json;
using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GoFlow.Application.UseCases;

/// <summary>
/// The step logic: run the claimed task's handler, then record its output (and queue the next step) or its failure.
/// </summary>
internal sealed partial class ExecuteTask(
    ITaskQueue queue,
    IWorkflowDefinitions definitions,
    IServiceProvider services,
    IWorkAvailableSignal workAvailable,
    TimeProvider clock,
    ILogger<ExecuteTask> logger) : IExecuteTask
{
    public async Task<TaskExecutionOutcome> ExecuteAsync(ClaimedTask task, CancellationToken cancellationToken)
    {
        var definition = definitions.Find(task.WorkflowName);
        if (definition is null
            || task.StepIndex >= definition.TaskNames.Count
            || definition.TaskNames[task.StepIndex] != task.TaskName)
        {
            return await FailAsync(
                task,
                $"Workflow '{task.WorkflowName}' has no step {task.StepIndex} named '{task.TaskName}' in its definition.");
        }

        var handler = services.GetKeyedService<ITaskHandler>(task.TaskName);
        if (handler is null)
        {
            return await FailAsync(task, $"No handler is registered for task '{task.TaskName}'.");
        }

        string output;
        try
        {
            var input = JsonNode.Parse(task.InputPayload) as JsonObject
                ?? throw new JsonException("The task's input is not a JSON object.");
            var result = await handler.HandleAsync(input, cancellationToken)
                ?? throw new InvalidOperationException($"The handler of task '{task.TaskName}' returned no output.");
            output = result.ToJsonString();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown: the attempt is abandoned, not failed; the task stays claimed until its lease ends.
            throw;
        }
#pragma warning disable CA1031 // Any exception a handler throws is that attempt's failure, recorded as such.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogHandlerFailed(exception, task.TaskName, task.WorkflowId.ToString(), task.Attempt);
            return await FailAsync(task, exception.Message);
        }

        var nextStep = definition.StepAfter(task.StepIndex);

        // Past this point the handler's work is done: the result is written even while the host is stopping,
        // because dropping it would run the handler again. A crash before this commit does run it again
        // (at-least-once): the task stays RUNNING until its lease ends and is then claimed anew.
        var completion = new TaskCompletion(task, output, nextStep, clock.GetStoreNow());
        if (!await queue.CompleteAsync(completion, CancellationToken.None))
        {
            LogResultRejected(task.TaskName, task.WorkflowId.ToString(), task.Attempt);
            return TaskExecutionOutcome.Rejected;
        }

        if (nextStep is not null)
        {
            workAvailable.Notify();
        }

        return TaskExecutionOutcome.Completed;
    }

    private async Task<TaskExecutionOutcome> FailAsync(ClaimedTask task, string error)
    {
        var failure = new TaskFailure(task, error, clock.GetStoreNow());
        if (!await queue.FailAsync(failure, CancellationToken.None))
        {
            LogResultRejected(task.TaskName, task.WorkflowId.ToString(), task.Attempt);
            return TaskExecutionOutcome.Rejected;
        }

        return TaskExecutionOutcome.Failed;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Task {TaskName} of workflow {WorkflowId} failed on attempt {Attempt}")]
    private partial void LogHandlerFailed(Exception exception, string taskName, string workflowId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The result of task {TaskName} of workflow {WorkflowId}, attempt {Attempt}, was rejected: the task is no longer held by this worker")]
    private partial void LogResultRejected(string taskName, string workflowId, int attempt);
}
