using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace GoFlow.Adapters.Dashboard.Tests.Browser;

/// <summary>The REST calls a test makes beside the browser: set a workflow up, read it back.</summary>
internal static class WorkflowCalls
{
    private static readonly string[] FinishedStatuses = ["COMPLETED", "FAILED", "CANCELLED"];

    public static async Task<string> StartAsync(
        this HttpClient client, string workflowName, string input, string? idempotencyKey = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/workflows")
        {
            Content = new StringContent(
                $$"""{"workflow_name":"{{workflowName}}","input_payload":{{input}}}""", Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(201), body);
        return JsonNode.Parse(body)!["data"]!["id"]!.GetValue<string>();
    }

    public static async Task<string> StatusAsync(this HttpClient client, string id)
    {
        var body = await client.GetFromJsonAsync<JsonObject>($"/workflows/{id}");
        return body!["data"]!["status"]!.GetValue<string>();
    }

    /// <summary>Reads the workflow until it is in <paramref name="status"/>; fails after <paramref name="timeout"/>.</summary>
    public static async Task WaitForStatusAsync(this HttpClient client, string id, string status, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        string last;
        while ((last = await client.StatusAsync(id)) != status)
        {
            if (cancellation.IsCancellationRequested || FinishedStatuses.Contains(last))
            {
                Assert.Fail($"workflow {id} is {last}, not {status}, after {timeout}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }
    }
}
