using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>
/// Creates the workload of a reliability test: OrderProcess workflows with valid orders (three tasks each, every one
/// of which completes), through POST /workflows on an API host, as clients do. The sample handlers take no time, so a
/// run lasts by its volume: hundreds of workflows keep the workers busy for seconds.
/// </summary>
internal static class Workload
{
    /// <summary>Requests in flight at once: enough to keep the API busy, few enough for a two-core machine.</summary>
    private const int Parallelism = 8;

    public const int TasksPerWorkflow = 3;

    /// <returns>The ids of the workflows created.</returns>
    public static async Task<IReadOnlyList<string>> CreateOrdersAsync(
        HostProcess api, int count, CancellationToken cancellationToken)
    {
        var ids = new string[count];
        await Parallel.ForAsync(
            0,
            count,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (index, token) => ids[index] = await CreateOrderAsync(api, $"R-{index}", index % 500 + 1, token));
        return ids;
    }

    private static async Task<string> CreateOrderAsync(HostProcess api, string orderId, int amount, CancellationToken cancellationToken)
    {
        using var content = new StringContent(
            $$$"""{"workflow_name": "OrderProcess", "input_payload": {"order_id": "{{{orderId}}}", "amount": {{{amount}}}}}""",
            Encoding.UTF8,
            "application/json");
        using var response = await api.Client.PostAsync(new Uri("/workflows", UriKind.Relative), content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST /workflows answered {(int)response.StatusCode}: {body}");
        }

        return JsonNode.Parse(body)!["data"]!["id"]!.GetValue<string>();
    }
}
