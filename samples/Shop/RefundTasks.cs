using System.Text.Json;
using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;

namespace Shop;

/// <summary>Refund, step 1: a refund needs an order and a positive amount; without them it can never succeed.</summary>
internal sealed class ApproveRefund : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        if (input["order_id"] is not JsonValue orderId || orderId.GetValueKind() != JsonValueKind.String)
        {
            throw new PermanentTaskFailureException("order_id is required.");
        }

        if (input["amount"] is not JsonValue amount || amount.GetValueKind() != JsonValueKind.Number || amount.GetValue<decimal>() <= 0)
        {
            throw new PermanentTaskFailureException("amount must be a number greater than 0.");
        }

        input["approved"] = true;
        return Task.FromResult(input);
    }
}

/// <summary>Refund, step 2: pays the amount back.</summary>
internal sealed class IssueRefund : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        input["refunded_amount"] = input["amount"]?.DeepClone();
        return Task.FromResult(input);
    }
}
