using System.Text.Json.Nodes;
using GoFlow.Client;
using Microsoft.Extensions.DependencyInjection;

// Starts a refund in the shop at the address given, waits for it, and exits 0 only when it completed as expected.
if (args.Length != 1 || !Uri.TryCreate(args[0], UriKind.Absolute, out var shop))
{
    Console.Error.WriteLine("usage: Shop.Client <shop base address>");
    return 2;
}

using var services = new ServiceCollection().AddGoFlowClient(shop).Services.BuildServiceProvider();
var goflow = services.GetRequiredService<IGoFlowClient>();

var started = await goflow.StartAsync("Refund", new JsonObject { ["order_id"] = "A-1", ["amount"] = 25 });
var finished = await goflow.WaitUntilFinishedAsync(started.Id, TimeSpan.FromSeconds(60));
Console.WriteLine($"Refund {finished.Id}: {finished.Status}, refunded {finished.CurrentInput["refunded_amount"]}");

try
{
    await goflow.GetAsync("0197a0e4-7c2b-7d4e-9f00-1234567890ab");
    Console.Error.WriteLine("a workflow that does not exist was found");
    return 1;
}
catch (GoFlowNotFoundException)
{
    // The problem answer, as its typed exception.
}

return finished.Status == GoFlowStatus.Completed && finished.CurrentInput["refunded_amount"]?.GetValue<int>() == 25 ? 0 : 1;
