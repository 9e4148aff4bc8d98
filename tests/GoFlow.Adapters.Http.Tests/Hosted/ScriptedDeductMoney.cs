using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// What OrderProcess's second step does on its first call for an order, set by the test: fail it for good, or hold
/// it (the workflow then stays RUNNING) until the test releases it or the worker cancels it. Later calls, and orders
/// without a script, charge the amount as the sample handler does.
/// </summary>
internal sealed class DeductMoneyScript
{
    private readonly ConcurrentDictionary<string, FirstCall> _firstCalls = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();

    public void FailFirstCall(string orderId) => _firstCalls[orderId] = new FirstCall.Fail();

    public HeldCall HoldFirstCall(string orderId)
    {
        var held = new HeldCall();
        _firstCalls[orderId] = new FirstCall.Hold(held);
        return held;
    }

    /// <summary>How often the step ran for <paramref name="orderId"/>.</summary>
    public int Calls(string orderId) => _calls.GetValueOrDefault(orderId);

    public FirstCall? Next(string orderId) =>
        _calls.AddOrUpdate(orderId, 1, (_, calls) => calls + 1) == 1 ? _firstCalls.GetValueOrDefault(orderId) : null;

    internal abstract record FirstCall
    {
        public sealed record Fail : FirstCall;

        public sealed record Hold(HeldCall Call) : FirstCall;
    }
}

/// <summary>A held call: when it started, when its cancellation token fired, and the release.</summary>
internal sealed class HeldCall
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _released.TrySetResult();

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Started.TrySetResult();
        try
        {
            await _released.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Cancelled.TrySetResult();
            throw;
        }
    }
}

/// <summary>Stands in for the sample DeductMoney handler, following <see cref="DeductMoneyScript"/>.</summary>
internal sealed class ScriptedDeductMoney(DeductMoneyScript script) : ITaskHandler
{
    public async Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        switch (script.Next(input["order_id"]!.GetValue<string>()))
        {
            case DeductMoneyScript.FirstCall.Fail:
                throw new PermanentTaskFailureException("The test failed this step.");
            case DeductMoneyScript.FirstCall.Hold hold:
                await hold.Call.WaitAsync(cancellationToken);
                break;
        }

        input["charged_amount"] = input["amount"]?.DeepClone();
        return input;
    }
}
