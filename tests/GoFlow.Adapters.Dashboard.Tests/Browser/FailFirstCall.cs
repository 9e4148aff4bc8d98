using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Dashboard.Tests.Browser;

/// <summary>
/// OrderProcess's DeductMoney for the tests: the first call for an order whose input says <c>"fail_first": true</c>
/// fails for good (the workflow ends FAILED at once); every later call charges the amount as the sample does.
/// </summary>
internal sealed class FailFirstCall : ITaskHandler
{
    public const string TaskName = "DeductMoney";

    private static readonly ConcurrentDictionary<string, int> Calls = new();

    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var order = input["order_id"]?.ToString() ?? string.Empty;
        var calls = Calls.AddOrUpdate(order, 1, (_, count) => count + 1);
        if (calls == 1 && input["fail_first"]?.GetValue<bool>() == true)
        {
            throw new PermanentTaskFailureException($"The bank refused order {order} (scripted by the test).");
        }

        input["charged_amount"] = input["amount"]?.DeepClone();
        return Task.FromResult(input);
    }
}
