using System.Net;
using System.Net.Http.Headers;
using GoFlow.Adapters.Http.Security;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Domain;
using GoFlow.Ports.Driving;
using GoFlow.TestSupport;
using Microsoft.AspNetCore.Http;
using Moq;

namespace GoFlow.Adapters.Http.Tests.Security;

/// <summary>The API key matrix, through the adapter's pipeline with two keys configured.</summary>
public sealed class ApiKeyMiddlewareTests
{
    private const string Key = "0d1c2b3a-right-key-4e5f6a7b8c9d";
    private const string OtherKey = "second.key_for~rotation";

    private AdapterApp _app = null!;

    [SetUp]
    public async Task SetUp()
    {
        _app = await AdapterApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Api:Keys:0"] = Key,
            ["Api:Keys:1"] = OtherKey,
        });
        _app.Ports.ListWorkflowDefinitions.Setup(port => port.List()).Returns([new WorkflowDefinition("OrderProcess", ["A"])]);
        _app.Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.Started(ReadModels.Workflow()));
    }

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task Request_WithoutAuthorization_Answers401ProblemWithBearerChallenge()
    {
        using var response = await _app.Client.GetAsync("/workflow-definitions");

        var problem = await HttpJson.ReadProblemAsync(response, 401);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Headers.WwwAuthenticate.Select(challenge => challenge.Scheme), Is.EqualTo(new[] { "Bearer" }));
            Assert.That(response.Headers.WwwAuthenticate.Single().Parameter, Is.EqualTo("realm=\"GoFlow\""));
            Assert.That(problem["detail"]?.GetValue<string>(), Does.Contain("Authorization: Bearer <key>"));
        }

        _app.Ports.ListWorkflowDefinitions.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Request_EndpointMarkedAllowAnonymous_PassesWithoutAKey()
    {
        using var anonymous = await _app.Client.GetAsync(AdapterApp.AnonymousPath);
        using var below = await _app.Client.GetAsync(AdapterApp.AnonymousPath + "/below");
        using var post = await _app.Client.PostAsync(AdapterApp.AnonymousPath, null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await anonymous.Content.ReadAsStringAsync(), Is.EqualTo("no data here"));
            Assert.That(below.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "only the marked endpoint, not its path prefix");
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "only the marked endpoint, not other methods");
        }
    }

    [TestCase("0d1c2b3a-right-key-4e5f6a7b8c9e", TestName = "Request_WrongKeyOfTheSameLength_Answers401InvalidToken")]
    [TestCase("0d1c2b3a-right-key", TestName = "Request_PrefixOfTheKey_Answers401InvalidToken")]
    [TestCase("0d1c2b3a-right-key-4e5f6a7b8c9d0", TestName = "Request_KeyWithOneCharacterMore_Answers401InvalidToken")]
    [TestCase("k", TestName = "Request_KeyOfADifferentLength_Answers401InvalidToken")]
    [TestCase(Key + OtherKey, TestName = "Request_BothKeysRunTogether_Answers401InvalidToken")]
    public async Task Request_WrongKey_Answers401InvalidToken(string presented)
    {
        using var response = await SendAsync(HttpMethod.Get, "/workflow-definitions", $"Bearer {presented}");

        await HttpJson.ReadProblemAsync(response, 401);
        Assert.That(response.Headers.WwwAuthenticate.Single().ToString(), Is.EqualTo("Bearer realm=\"GoFlow\", error=\"invalid_token\""));
        _app.Ports.ListWorkflowDefinitions.VerifyNoOtherCalls();
    }

    [TestCase("Bearer " + Key)]
    [TestCase("Bearer " + OtherKey)]
    [TestCase("bearer " + Key)]
    [TestCase("BEARER  " + Key + " ")]
    public async Task Request_RightKey_IsServed(string authorization)
    {
        using var response = await SendAsync(HttpMethod.Get, "/workflow-definitions", authorization);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [TestCase(Key, TestName = "Request_KeyWithoutScheme_Answers401")]
    [TestCase("Basic " + Key, TestName = "Request_KeyUnderBasicScheme_Answers401")]
    [TestCase("Bearer", TestName = "Request_BearerWithoutKey_Answers401")]
    [TestCase("Bearer   ", TestName = "Request_BearerWithBlankKey_Answers401")]
    [TestCase("Bearer:" + Key, TestName = "Request_SchemeWithoutSpace_Answers401")]
    public async Task Request_NotOneBearerCredential_Answers401(string authorization)
    {
        using var response = await SendAsync(HttpMethod.Get, "/workflow-definitions", authorization);

        await HttpJson.ReadProblemAsync(response, 401);
        Assert.That(response.Headers.WwwAuthenticate.Single().Scheme, Is.EqualTo("Bearer"));
    }

    [Test]
    public async Task PostWorkflows_WithoutKey_Answers401WithoutCallingTheUseCase()
    {
        using var response = await _app.Client.PostAsync("/workflows", HttpJson.Body("""{"workflow_name": "OrderProcess"}"""));

        await HttpJson.ReadProblemAsync(response, 401);
        _app.Ports.StartWorkflow.VerifyNoOtherCalls();
    }

    [Test]
    public async Task PostWorkflows_WithKey_CallsTheUseCase()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/workflows")
        {
            Content = HttpJson.Body("""{"workflow_name": "OrderProcess"}"""),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        using var response = await _app.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        _app.Ports.StartWorkflow.Verify(
            port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task PostWorkflows_WithKeyFromAPageOfAnotherOrigin_CallsTheUseCase()
    {
        // A browser app of another origin, let through by a CORS policy of the application embedding GoFlow: its script
        // set the key, which no forged request can carry, so the cross-site refusal does not apply.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/workflows")
        {
            Content = HttpJson.Body("""{"workflow_name": "OrderProcess"}"""),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        request.Headers.TryAddWithoutValidation("Origin", "https://app.example");

        using var response = await _app.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        _app.Ports.StartWorkflow.Verify(
            port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [TestCase("GET", "/workflows")]
    [TestCase("GET", "/workflows?status=FAILED&limit=10")]
    [TestCase("POST", "/workflows/01936f4e-8a2b-7c3d-9e4f-0a1b2c3d4e5f/cancel")]
    [TestCase("POST", "/workflows/01936f4e-8a2b-7c3d-9e4f-0a1b2c3d4e5f/retry")]
    [TestCase("GET", "/openapi/v1.json")]
    public async Task OperationsRoutesAndOpenApi_WithoutKey_Answer401WithoutCallingAUseCase(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await _app.Client.SendAsync(request);

        await HttpJson.ReadProblemAsync(response, 401);
        _app.Ports.ListWorkflows.VerifyNoOtherCalls();
        _app.Ports.CancelWorkflow.VerifyNoOtherCalls();
        _app.Ports.RetryWorkflow.VerifyNoOtherCalls();
        _app.Ports.GetWorkflow.VerifyNoOtherCalls();
    }

    [TestCase("/no-such-route")]
    [TestCase("/workflows/not-an-id")]
    public async Task UnknownRouteOrId_WithoutKey_Answers401NotRevealingWhatExists(string path)
    {
        using var response = await _app.Client.GetAsync(path);

        await HttpJson.ReadProblemAsync(response, 401);
    }

    [Test]
    public async Task WrongMethod_WithoutKey_Answers401()
    {
        using var response = await _app.Client.DeleteAsync("/workflow-definitions");

        await HttpJson.ReadProblemAsync(response, 401);
    }

    [TestCase(AdapterApp.DummyHealthPath)]
    [TestCase("/HEALTH/live")]
    public async Task HealthCheck_WithoutKey_IsServed(string path)
    {
        using var response = await _app.Client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("alive"));
    }

    [Test]
    public async Task HealthCheck_WithWrongKey_IsStillServed()
    {
        using var response = await SendAsync(HttpMethod.Get, AdapterApp.DummyHealthPath, "Bearer wrong");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Requests_RightAndWrongKeys_NeverPutAKeyInTheLog()
    {
        using (await SendAsync(HttpMethod.Get, "/workflow-definitions", "Bearer " + Key))
        using (await SendAsync(HttpMethod.Get, "/workflow-definitions", "Bearer " + Key + "-wrong"))
        using (await SendAsync(HttpMethod.Get, "/no-such-route", "Bearer " + OtherKey))
        {
        }

        var entries = _app.Logs.Entries;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(entries, Has.Some.Matches<LogEntry>(entry => entry.Message.Contains("Refused GET /workflow-definitions with 401")));
            Assert.That(entries.Select(entry => entry.Message), Has.None.Contains(Key).And.None.Contains(OtherKey).And.None.Contains("0d1c2b3a"));
        }
    }

    [TestCase("/health", true)]
    [TestCase("/health/live", true)]
    [TestCase("/health/ready", true)]
    [TestCase("/Health/Ready", true)]
    [TestCase("/healthz", false)]
    [TestCase("/health-report", false)]
    [TestCase("/healthcheck/live", false)]
    [TestCase("/workflows/health", false)]
    [TestCase("/", false)]
    [TestCase("", false)]
    public void IsExempt_Path_OnlyHealthAndBelow(string path, bool exempt)
    {
        Assert.That(ApiKeyMiddleware.IsExempt(new PathString(path)), Is.EqualTo(exempt));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string authorization)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await _app.Client.SendAsync(request);
    }
}

/// <summary>Without keys the adapter asks for none (the listen check keeps such a host on loopback).</summary>
public sealed class ApiKeyMiddlewareWithoutKeysTests
{
    [Test]
    public async Task Request_NoKeysConfigured_IsServedWithoutAuthorization()
    {
        await using var app = await AdapterApp.StartAsync();
        app.Ports.ListWorkflowDefinitions.Setup(port => port.List()).Returns([]);

        using var response = await app.Client.GetAsync("/workflow-definitions");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
