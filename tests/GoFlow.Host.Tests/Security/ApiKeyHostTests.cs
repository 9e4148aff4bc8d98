using System.Net;
using System.Net.Http.Headers;
using GoFlow.Host.Tests.Configuration;
using GoFlow.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GoFlow.Host.Tests.Security;

/// <summary>API keys in the real host: read from configuration and the environment, required, never logged.</summary>
public sealed class ApiKeyHostTests
{
    private const string Key = "host-test-key-6f1d0c9a8b7e";

    private string _folder = null!;

    [OneTimeSetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("goflow-api-keys-").FullName;

    [OneTimeTearDown]
    public void DeleteFolder()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [TestCase("/workflow-definitions")]
    [TestCase("/workflows/0197a0e4-7c2b-7d4e-9f00-1234567890ab")]
    [TestCase("/no-such-route")]
    public async Task Request_KeyConfiguredButNotSent_Answers401(string path)
    {
        using var factory = HostWith(new() { ["Api:Keys:0"] = Key });
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(response.Headers.WwwAuthenticate.Single().Scheme, Is.EqualTo("Bearer"));
    }

    [Test]
    public async Task Request_KeyConfiguredAndSent_IsServed()
    {
        using var factory = HostWith(new() { ["Api:Keys:0"] = "other-key", ["Api:Keys:1"] = Key });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        using var response = await client.GetAsync("/workflow-definitions");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task HealthPath_KeyConfiguredButNotSent_IsNotRefused()
    {
        using var factory = HostWith(new() { ["Api:Keys:0"] = Key });
        using var client = factory.CreateClient();

        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");

        // 404 until health checks are mapped, 200 or 503 after; never 401.
        Assert.That(live.StatusCode, Is.Not.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(ready.StatusCode, Is.Not.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("")]
    [TestCase("  ")]
    public void Start_BlankKey_FailsNamingTheSetting(string key)
    {
        var (exitCode, output) = RunnerUnderTest.Run($"--Api:Keys:0={Key}", $"--Api:Keys:1={key}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exitCode, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain("Api:Keys:1 is blank"));
        }
    }

    [Test]
    public async Task Requests_EverythingLoggedAtTrace_NoLogLineHoldsAKey()
    {
        var logs = new RecordingLoggerProvider();
        using var factory = HostWith(new() { ["Api:Keys:0"] = Key }, logs);
        using var client = factory.CreateClient();

        foreach (var presented in new[] { Key, Key + "x", "wrong-" + Key })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/workflow-definitions");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", presented);
            using var response = await client.SendAsync(request);
        }

        var messages = logs.Entries.Select(entry => entry.Message + " " + entry.Exception).ToList();
        Assert.That(messages, Has.Some.Contains("Refused GET /workflow-definitions with 401"), "the trace logging was on");
        Assert.That(messages, Has.None.Contains("6f1d0c9a8b7e").And.None.Contains("Authorization"));
    }

    /// <summary>
    /// The real process, the key from the environment variable Api__Keys__0, every category logged at Trace to the
    /// console: the key is required, and it appears nowhere in the output.
    /// </summary>
    [Test]
    public async Task Process_KeyFromTheEnvironment_IsRequiredAndNeverPrinted()
    {
        var port = ChildHost.FreeLoopbackPort();
        await using var host = ChildHost.Start(new Dictionary<string, string>
        {
            ["Api__Keys__0"] = Key,
            ["GoFlow__Roles"] = "Api",
            ["SERVER_HOST"] = "127.0.0.1",
            ["SERVER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__Microsoft"] = "Trace",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
        });
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        await host.WaitUntilServingAsync(baseAddress);
        using var client = new HttpClient { BaseAddress = baseAddress };

        using var anonymous = await client.GetAsync("/workflow-definitions");
        using var wrong = await SendAsync(client, "Bearer " + Key + "-wrong");
        using var right = await SendAsync(client, "Bearer " + Key);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(host.Output, Does.Contain("Refused GET /workflow-definitions with 401"), host.Output);
            Assert.That(host.Output, Does.Not.Contain("6f1d0c9a8b7e"), host.Output);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/workflow-definitions");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await client.SendAsync(request);
    }

    private WebApplicationFactory<Program> HostWith(Dictionary<string, string?> settings, RecordingLoggerProvider? logs = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("urls", "http://127.0.0.1:0");
            host.UseSetting("GoFlow:Roles", "Api");
            host.UseSetting("Sqlite:Path", Path.Combine(_folder, $"goflow-{Guid.NewGuid():N}.db"));
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }

            if (logs is not null)
            {
                host.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace)
                    .AddFilter<RecordingLoggerProvider>(null, LogLevel.Trace)
                    .AddProvider(logs));
            }
        });
}
