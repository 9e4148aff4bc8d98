using System.Text.Json;
using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;

namespace GoFlow.Host.SampleTasks;

/// <summary>
/// OrderProcess, step 1: refuses an order without an id or with an amount that is not a positive number.
/// A bad order stays bad, so the failure is permanent: no retries.
/// </summary>
internal sealed class ValidateOrder : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        if (input["order_id"] is not JsonNode orderId
            || orderId.GetValueKind() == JsonValueKind.Null
            || (orderId.GetValueKind() == JsonValueKind.String && orderId.GetValue<string>().Length == 0))
        {
            throw new PermanentTaskFailureException("order_id is required.");
        }

        if (!SampleInput.TryGetNumber(input, "amount", out var amount) || amount <= 0)
        {
            throw new PermanentTaskFailureException("amount must be a number greater than 0.");
        }

        input["validated"] = true;
        return Task.FromResult(input);
    }
}

/// <summary>OrderProcess, step 2: charges the order's amount.</summary>
internal sealed class DeductMoney : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        input["charged_amount"] = input["amount"]?.DeepClone();
        return Task.FromResult(input);
    }
}

/// <summary>OrderProcess, step 3: sends the confirmation email.</summary>
internal sealed class SendEmail : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        input["email_sent"] = true;
        return Task.FromResult(input);
    }
}
