using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;

namespace GoFlow.Benchmarks.Engine;

/// <summary>
/// The last step of a workflow: a no-op that also tells <see cref="LastStepSignals"/> it ran, so that a waiter can
/// start looking for COMPLETED in the store then, rather than polling the store through the whole workflow.
/// </summary>
internal sealed class LastStepHandler(LastStepSignals signals) : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        if (input[LastStepSignals.InputKey] is JsonValue key && key.TryGetValue<string>(out var text))
        {
            signals.Signal(text);
        }

        return Task.FromResult(input);
    }
}
