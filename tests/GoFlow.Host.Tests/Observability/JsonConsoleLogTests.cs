using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GoFlow.Host.Tests.Security;

namespace GoFlow.Host.Tests.Observability;

/// <summary>
/// The console log as JSON, switched on by configuration alone (<c>Logging:Console:FormatterName=json</c>), in the real
/// process: one JSON object a line, with the task's scope (workflow id, task id, task name, attempt) in it.
/// </summary>
public sealed class JsonConsoleLogTests
{
    [Test]
    public async Task Process_JsonFormatterWithScopes_LogsATaskFailureAsJsonWithTheTaskScope()
    {
        var port = ChildHost.FreeLoopbackPort();
        await using var host = ChildHost.Start(new Dictionary<string, string>
        {
            ["SERVER_HOST"] = "127.0.0.1",
            ["SERVER_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__Console__FormatterOptions__IncludeScopes"] = "true",
        });
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        await host.WaitUntilServingAsync(baseAddress);
        using var client = new HttpClient { BaseAddress = baseAddress };

        // ValidateOrder refuses an amount of 0, and the failure is logged while the task runs.
        using var response = await client.PostAsync("/workflows", new StringContent(
            """{"workflow_name": "OrderProcess", "input_payload": {"order_id": "J-1", "amount": 0}}""", Encoding.UTF8, "application/json"));
        var created = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), created);
        var id = JsonNode.Parse(created)!["data"]!["id"]!.GetValue<string>();

        var entry = await WaitForLogAsync(host, line => line["Message"]?.GetValue<string>() is { } message
            && message.Contains("ValidateOrder", StringComparison.Ordinal) && message.Contains(id, StringComparison.Ordinal));

        var scope = entry["Scopes"]!.AsArray().Select(node => node!.AsObject())
            .SingleOrDefault(node => node.ContainsKey("WorkflowId"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(entry["LogLevel"]?.GetValue<string>(), Is.EqualTo("Warning"));
            Assert.That(entry["Category"]?.GetValue<string>(), Is.EqualTo("GoFlow.Application.UseCases.ExecuteTask"));
            Assert.That(entry["State"]?["TaskName"]?.GetValue<string>(), Is.EqualTo("ValidateOrder"), "the template's values are fields");
            Assert.That(scope, Is.Not.Null, entry.ToJsonString());
            Assert.That(scope?["WorkflowId"]?.GetValue<string>(), Is.EqualTo(id));
            Assert.That(scope?["TaskName"]?.GetValue<string>(), Is.EqualTo("ValidateOrder"));
            Assert.That(scope?["Attempt"]?.GetValue<int>(), Is.EqualTo(1));
            Assert.That(scope?["TaskId"]?.GetValue<long>(), Is.GreaterThan(0));
        }
    }

    /// <summary>Reads the child's output until a line is a JSON log entry that <paramref name="match"/> accepts.</summary>
    private static async Task<JsonObject> WaitForLogAsync(ChildHost host, Func<JsonObject, bool> match)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var entries = host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(ParseObject)
                .ToList();
            Assert.That(entries, Has.None.Null, $"every console line is a JSON object:\n{host.Output}");
            if (entries.FirstOrDefault(entry => match(entry!)) is { } found)
            {
                return found;
            }

            if (clock.Elapsed > ChildHost.Timeout)
            {
                Assert.Fail($"No such log entry within {ChildHost.Timeout.TotalSeconds:0}s. Output:\n{host.Output}");
            }

            // A short pause between reads, not a wait standing in for the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    private static JsonObject? ParseObject(string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
