using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GoFlow.Hosting.Configuration;
using GoFlow.Host.Tests.Security;
using GoFlow.TestSupport;

namespace GoFlow.Host.Tests.Configuration;

/// <summary>The real GoFlow.Host process: started from any folder, and stopped by a bad setting.</summary>
public sealed class HostProcessConfigurationTests
{
    [Test]
    public async Task Start_FromABareFolderWithOnlyDotEnv_RunsOrderProcessOnMySql()
    {
        await using var database = await TestDatabase.CreateAsync();
        var folder = Directory.CreateTempSubdirectory("goflow-bare-").FullName;
        try
        {
            var port = ChildHost.FreeLoopbackPort();
            await File.WriteAllLinesAsync(Path.Combine(folder, ".env"),
            [
                $"DB_HOST={database.Host}", $"DB_PORT={database.Port}", $"DB_USERNAME={database.User}",
                $"DB_PASSWORD={database.Password}", $"DB_NAME={database.Name}", $"SERVER_PORT={port}",
            ]);
            await using var host = ChildHost.StartIn(folder, new Dictionary<string, string>());
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            await host.WaitUntilServingAsync(baseAddress);
            using var client = new HttpClient { BaseAddress = baseAddress };

            using var start = await client.PostAsJsonAsync(
                "/workflows", new JsonObject { ["workflow_name"] = "OrderProcess", ["input_payload"] = new JsonObject { ["order_id"] = "A-1", ["amount"] = 10 } });
            Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.Created), await start.Content.ReadAsStringAsync() + host.Output);
            var id = (await start.Content.ReadFromJsonAsync<JsonObject>())!["data"]!["id"]!.GetValue<string>();

            Assert.That(await WaitForStatusAsync(client, id), Is.EqualTo("COMPLETED"), host.Output);
            Assert.That(host.Output, Does.Contain($"MySQL database {database.Name}"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task Start_BadSetting_ExitsOneWithOneLineAndNoDump()
    {
        await using var host = ChildHost.Start(new Dictionary<string, string> { ["Worker__BatchSize"] = "0" });

        var exitCode = await host.WaitForExitAsync();

        var lines = host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exitCode, Is.EqualTo(1), host.Output);
            Assert.That(lines, Is.EqualTo(new[] { ConfigurationErrors.Prefix + "Worker:BatchSize is '0': The field BatchSize must be between 1 and 1000." }), host.Output);
        }
    }

    private static async Task<string?> WaitForStatusAsync(HttpClient client, string id)
    {
        var clock = Stopwatch.StartNew();
        string? status;
        do
        {
            // The pause between two reads, not a stand-in for the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(50));
            var workflow = await client.GetFromJsonAsync<JsonObject>($"/workflows/{id}");
            status = workflow!["data"]!["status"]!.GetValue<string>();
        }
        while (status is not ("COMPLETED" or "FAILED") && clock.Elapsed < ChildHost.Timeout);

        return status;
    }
}
