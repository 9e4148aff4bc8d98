using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;

namespace GoFlow.Testing.Tests.Examples;

// A user's workflow, as the README's "Testing your own workflows" shows it: two handlers and the payment service
// the second one calls.

public interface IPayments
{
    Task RefundAsync(string orderId, decimal amount, CancellationToken cancellationToken);
}

public sealed class CheckOrder : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        if (input["amount"]?.GetValue<decimal>() is not > 0)
        {
            throw new PermanentTaskFailureException("amount must be greater than 0.");
        }

        return Task.FromResult(input);
    }
}

public sealed class IssueRefund(IPayments payments) : ITaskHandler
{
    public async Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        await payments.RefundAsync(input["order_id"]!.GetValue<string>(), input["amount"]!.GetValue<decimal>(), cancellationToken);
        input["refunded"] = true;
        return input;
    }
}

/// <summary>A fake payment service that is down for its first <paramref name="failures"/> calls.</summary>
public sealed class FlakyPayments(int failures) : IPayments
{
    public int Calls { get; private set; }

    public Task RefundAsync(string orderId, decimal amount, CancellationToken cancellationToken) =>
        ++Calls <= failures ? throw new HttpRequestException("payments are down") : Task.CompletedTask;
}
