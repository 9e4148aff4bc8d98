using System.Text.Json.Nodes;

namespace GoFlow.Ports.Driven;

/// <summary>
/// The code that runs one kind of task. Register it in DI under its task name
/// (<c>services.AddGoFlowTaskHandler&lt;T&gt;("ValidateOrder")</c>); one instance serves one attempt.
/// </summary>
public interface ITaskHandler
{
    /// <summary>
    /// Runs the task on <paramref name="input"/> and returns the JSON object the next task receives.
    /// Throwing fails the attempt with the exception's message. Honour <paramref name="cancellationToken"/>:
    /// it fires when the host shuts down.
    /// </summary>
    Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken);
}
