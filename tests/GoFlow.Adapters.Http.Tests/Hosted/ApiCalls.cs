using System.Net;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>The API calls the hosted operations tests make, each asserting the answer it must get to go on.</summary>
internal static class ApiCalls
{
    /// <summary>Starts <paramref name="workflowName"/> on <paramref name="payload"/> and returns the new workflow.</summary>
    public static async Task<JsonObject> StartAsync(this HttpClient client, string workflowName, string payload = "{}")
    {
        using var response = await client.PostAsync("/workflows", HttpJson.Body(
            $$"""{"workflow_name": "{{workflowName}}", "input_payload": {{payload}}}"""));
        var body = await HttpJson.ReadObjectAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return body["data"]!.AsObject();
    }

    /// <summary>POST /workflows with an Idempotency-Key header.</summary>
    public static async Task<HttpResponseMessage> StartWithKeyAsync(this HttpClient client, string key, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/workflows") { Content = HttpJson.Body(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    /// <summary>GET /workflows/{id}: the workflow with its tasks.</summary>
    public static async Task<JsonObject> GetWorkflowAsync(this HttpClient client, string id) =>
        await GetDataAsync(client, $"/workflows/{id}");

    /// <summary>GET /workflows/{id}/activity: the activity rows, oldest first.</summary>
    public static async Task<JsonArray> GetActivityAsync(this HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/workflows/{id}/activity");
        var body = await HttpJson.ReadObjectAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body["data"]!.AsArray();
    }

    /// <summary>GET /workflows with <paramref name="query"/> (without the '?'): the page as answered.</summary>
    public static async Task<JsonObject> ListAsync(this HttpClient client, string query)
    {
        using var response = await client.GetAsync($"/workflows?{query}");
        var body = await HttpJson.ReadObjectAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body;
    }

    /// <summary>Reads the workflow until it is in <paramref name="status"/>, failing after <paramref name="timeout"/>.</summary>
    public static Task<JsonObject> WaitForStatusAsync(this HttpClient client, string id, string status, TimeSpan timeout) =>
        Poll.UntilAsync(
            () => client.GetWorkflowAsync(id),
            workflow => workflow["status"]?.GetValue<string>() == status,
            timeout,
            $"workflow {id} to be {status}");

    public static string Id(this JsonNode workflow) => workflow["id"]!.GetValue<string>();

    public static string Status(this JsonNode workflow) => workflow["status"]!.GetValue<string>();

    private static async Task<JsonObject> GetDataAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await HttpJson.ReadObjectAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body["data"]!.AsObject();
    }
}
