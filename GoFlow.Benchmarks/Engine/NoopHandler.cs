using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;

namespace GoFlow.Benchmarks.Engine;

/// <summary>A step that does nothing, so that the benchmark measures the engine and the store only.</summary>
internal sealed class NoopHandler : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken) => Task.FromResult(input);
}
