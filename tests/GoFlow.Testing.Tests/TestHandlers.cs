using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;

namespace GoFlow.Testing.Tests;

/// <summary>How often each test handler was called, shared by the handlers of one test host.</summary>
internal sealed class Calls
{
    private int _count;

    public int Count => _count;

    public int Next() => Interlocked.Increment(ref _count);
}

/// <summary>Fails its first two attempts with an ordinary (retryable) exception, then adds <c>"charged": true</c>.</summary>
internal sealed class FailsTwiceThenCharges(Calls calls) : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        if (calls.Next() <= 2)
        {
            throw new InvalidOperationException("the payment service is down");
        }

        input["charged"] = true;
        return Task.FromResult(input);
    }
}

internal sealed class RefusesTheOrder(Calls calls) : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        calls.Next();
        throw new PermanentTaskFailureException("the order does not exist");
    }
}

/// <summary>Waits on its clock for <c>wait_minutes</c> of the input, then adds <c>"waited": true</c>.</summary>
internal sealed class WaitsOnTheClock(TimeProvider clock) : ITaskHandler
{
    public async Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMinutes(input["wait_minutes"]!.GetValue<double>()), clock, cancellationToken);
        input["waited"] = true;
        return input;
    }
}

/// <summary>Adds <c>"step_&lt;n&gt;": n</c> where n is how many steps ran before it, plus one.</summary>
internal sealed class AddsItsStep : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var step = input.Count(property => property.Key.StartsWith("step_", StringComparison.Ordinal)) + 1;
        input[$"step_{step}"] = step;
        return Task.FromResult(input);
    }
}

/// <summary>Waits until its token fires and on nothing else: no clock can end the wait.</summary>
internal sealed class WaitsForItsToken : ITaskHandler
{
    public async Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        return input;
    }
}

/// <summary>Asks to run again in five minutes, every time.</summary>
internal sealed class SnoozesFiveMinutes : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken) =>
        throw new TaskSnoozeException(TimeSpan.FromMinutes(5));
}
