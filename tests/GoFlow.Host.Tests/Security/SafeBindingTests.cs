using System.Net;
using GoFlow.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GoFlow.Host.Tests.Security;

/// <summary>
/// The safe default in the real host: without API keys it serves on loopback only, and asked for any other address
/// it refuses to start and says why, unless anonymous access is switched on, which it warns about.
/// </summary>
/// <remarks>
/// Nothing here listens beyond 127.0.0.1. The child processes are sent to an address this machine does not have, so
/// even a broken check could not make them listen; the in-memory hosts run on the test server, which never listens.
/// </remarks>
public sealed class SafeBindingTests
{
    private const string RefusalStart = "GoFlow will not listen on ";

    private string _folder = null!;

    [OneTimeSetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("goflow-safe-binding-").FullName;

    [OneTimeTearDown]
    public void DeleteFolder()
    {
        // The in-memory hosts' pooled SQLite connections keep their files open until cleared.
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task Start_ServerHostVariableOnTheNetworkWithoutKeys_ProcessExitsSayingWhy()
    {
        var address = ChildHost.AddressThisMachineDoesNotHave();
        await using var host = ChildHost.Start(new Dictionary<string, string> { ["SERVER_HOST"] = address, ["SERVER_PORT"] = "8089" });

        var exitCode = await host.WaitForExitAsync();

        AssertRefused(exitCode, host.Output, $"http://{address}:8089");
    }

    [Test]
    public async Task Start_AspNetCoreUrlsVariableOnTheNetworkWithoutKeys_ProcessExitsSayingWhy()
    {
        var address = ChildHost.AddressThisMachineDoesNotHave();
        await using var host = ChildHost.Start(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://{address}:8089" });

        var exitCode = await host.WaitForExitAsync();

        AssertRefused(exitCode, host.Output, $"http://{address}:8089");
    }

    [Test]
    public async Task Start_UrlsArgumentOnTheNetworkWithoutKeys_ProcessExitsSayingWhy()
    {
        var address = ChildHost.AddressThisMachineDoesNotHave();
        await using var host = ChildHost.Start(
            new Dictionary<string, string>(), "--urls", $"http://127.0.0.1:8089;http://{address}:8089");

        var exitCode = await host.WaitForExitAsync();

        AssertRefused(exitCode, host.Output, $"http://{address}:8089");
    }

    [TestCase("urls", "http://0.0.0.0:8080")]
    [TestCase("urls", "http://+:8080")]
    [TestCase("urls", "http://[::]:8080")]
    [TestCase("Server:Host", "0.0.0.0")]
    [TestCase("Server:Host", "192.168.1.20")]
    [TestCase("Server:Host", "goflow.internal")]
    [TestCase("Kestrel:Endpoints:Public:Url", "http://0.0.0.0:9000")]
    public void Start_NetworkAddressWithoutKeys_Refuses(string setting, string value)
    {
        using var factory = HostWith(new() { [setting] = value });

        Assert.That(
            () => factory.CreateClient(),
            Throws.InvalidOperationException.With.Message.StartsWith(RefusalStart).And.Message.Contains("Api:AllowAnonymous=true"));
    }

    [Test]
    public async Task Start_NetworkAddressWithAnonymousAllowed_ServesWithoutKeyAndWarns()
    {
        var logs = new RecordingLoggerProvider();
        using var factory = HostWith(new() { ["Server:Host"] = "0.0.0.0", ["Api:AllowAnonymous"] = "true" }, logs);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/workflow-definitions");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(
            logs.Entries.Where(entry => entry.Level == LogLevel.Warning).Select(entry => entry.Message),
            Has.One.Contains("The API serves WITHOUT authentication on http://0.0.0.0:8080"));
    }

    [Test]
    public async Task Start_NetworkAddressWithAKey_Serves()
    {
        using var factory = HostWith(new() { ["Server:Host"] = "0.0.0.0", ["Api:Keys:0"] = "network-key-1" });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "network-key-1");

        using var response = await client.GetAsync("/workflow-definitions");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Start_Defaults_ServeOnLoopbackWithoutKeyOrWarning()
    {
        var logs = new RecordingLoggerProvider();
        using var factory = HostWith([], logs);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/workflow-definitions");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(logs.Entries.Select(entry => entry.Message), Has.None.Contains("Api:AllowAnonymous").And.None.Contains("WITHOUT"));
    }

    private static void AssertRefused(int exitCode, string output, string address)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exitCode, Is.Not.Zero, output);
            // The check's own words, not a failure to bind: the check ran before the server tried the address.
            Assert.That(output, Does.Contain(RefusalStart + address), output);
            Assert.That(output, Does.Not.Contain("Now listening on"), output);
        }
    }

    private WebApplicationFactory<Program> HostWith(
        Dictionary<string, string?> settings, RecordingLoggerProvider? logs = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("GoFlow:Roles", "Api");
            host.UseSetting("Sqlite:Path", Path.Combine(_folder, $"goflow-{Guid.NewGuid():N}.db"));
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }

            if (logs is not null)
            {
                host.ConfigureLogging(logging => logging.AddProvider(logs));
            }
        });
}
