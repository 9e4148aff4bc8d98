using System.Net;
using System.Net.Http.Headers;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using Moq;

namespace GoFlow.Adapters.Http.Tests.Apis;

/// <summary>
/// The odd and hostile requests of ADR 0016 that the adapter answers by itself (no store involved): each gets a 4xx
/// RFC 9457 problem in one shape, or the answer HTTP requires, and no use case is called for a refused one.
/// </summary>
public sealed class HostileRequestTests
{
    private const string StartBody = """{"workflow_name":"OrderProcess","input_payload":{}}""";

    private AdapterApp _app = null!;

    [SetUp]
    public async Task SetUp() => _app = await AdapterApp.StartAsync();

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAF")]
    [TestCase("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    public async Task ListWorkflows_CursorWithDirtyPaddingBits_Answers400NamingCursor(string cursor)
    {
        using var response = await _app.Client.GetAsync($"/workflows?cursor={cursor}");

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?["cursor"], Is.Not.Null, problem.ToJsonString());
        _app.Ports.ListWorkflows.VerifyNoOtherCalls();
    }

    [TestCase("+1943a7e-5c2b-7d3f-8a9b-0123456789ab")]
    [TestCase("-1943a7e-5c2b-7d3f-8a9b-0123456789ab")]
    public async Task GetWorkflow_IdWithASign_Answers404WithoutAskingTheStore(string id)
    {
        using var response = await _app.Client.GetAsync($"/workflows/{Uri.EscapeDataString(id)}");

        await HttpJson.ReadProblemAsync(response, 404);
        _app.Ports.GetWorkflow.VerifyNoOtherCalls();
    }

    [TestCase("workflow_name=OrderProcess&workflow_name=UserOnboarding", "workflow_name")]
    [TestCase("status=PENDING&status=RUNNING", "status")]
    [TestCase("limit=5&limit=6", "limit")]
    public async Task ListWorkflows_ParameterRepeated_Answers400NamingIt(string query, string parameter)
    {
        using var response = await _app.Client.GetAsync($"/workflows?{query}");

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?[parameter]?[0]?.GetValue<string>(), Is.EqualTo($"Send one {parameter} parameter, not several."));
        _app.Ports.ListWorkflows.VerifyNoOtherCalls();
    }

    [Test]
    public async Task StartWorkflow_QuotedCharset_IsAccepted()
    {
        _app.Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.Started(ReadModels.Workflow()));
        using var content = new StringContent(StartBody);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=\"UTF-8\"");

        using var response = await _app.Client.PostAsync("/workflows", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [TestCase("application/merge-patch+json")]
    [TestCase("application/problem+json")]
    [TestCase("application/json; charset=utf-8; charset=latin1")]
    [TestCase("text/json")]
    public async Task StartWorkflow_ContentTypeOtherThanApplicationJson_Answers415InGoFlowsOwnShape(string contentType)
    {
        using var content = new StringContent(StartBody);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await _app.Client.PostAsync("/workflows", content);

        var problem = await HttpJson.ReadProblemAsync(response, 415);
        Assert.That(problem["title"]?.GetValue<string>(), Is.EqualTo("Unsupported media type"));
        Assert.That(problem["detail"]?.GetValue<string>(), Does.StartWith("The request body must be JSON sent as application/json"));
        _app.Ports.StartWorkflow.VerifyNoOtherCalls();
    }

    [TestCase("evil.example")]
    [TestCase("attacker.test:8443")]
    public async Task OpenApiDocument_HostHeader_IsNotCopiedIntoTheDocument(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = host;

        using var response = await _app.Client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(text, Does.Not.Contain(host.Split(':')[0]).And.Not.Contain("\"servers\""));
    }

    [TestCase("text/html")]
    [TestCase("text/plain")]
    [TestCase("application/xml")]
    public async Task UnknownRoute_ClientAcceptsNoJson_StillAnswers404Problem(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-route");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));

        using var response = await _app.Client.SendAsync(request);

        await HttpJson.ReadProblemAsync(response, 404);
    }

    /// <summary>
    /// Only the API's one document is a route: any other name is routing's 404 problem, not the OpenAPI library's own
    /// text/plain 404, which also repeated the name as sent.
    /// </summary>
    [TestCase("/openapi/v2.json")]
    [TestCase("/openapi/..%2fv1.json")]
    [TestCase("/openapi/%3Cscript%3E.json")]
    public async Task OpenApi_DocumentNoneHas_Answers404Problem(string path)
    {
        using var response = await _app.Client.GetAsync(path);

        var problem = await HttpJson.ReadProblemAsync(response, 404);
        Assert.That(problem.ToJsonString(), Does.Not.Contain("script").And.Not.Contain("v2"));
    }

    [TestCase("text/html")]
    [TestCase("application/xml")]
    public async Task WrongMethod_ClientAcceptsNoJson_StillAnswers405ProblemWithAllow(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/workflow-definitions");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));

        using var response = await _app.Client.SendAsync(request);

        await HttpJson.ReadProblemAsync(response, 405);
        Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET", "HEAD" }));
    }

    [TestCase("/workflows")]
    [TestCase("/workflows/01943a7e-5c2b-7d3f-8a9b-0123456789ab")]
    [TestCase("/workflows/01943a7e-5c2b-7d3f-8a9b-0123456789ab/activity")]
    [TestCase("/workflow-definitions")]
    [TestCase("/openapi/v1.json")]
    public async Task ReadRoute_Head_IsAnsweredLikeGetWithoutABody(string path)
    {
        _app.Ports.ListWorkflows
            .Setup(port => port.ListAsync(It.IsAny<WorkflowListQuery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WorkflowPage([], Next: null));
        _app.Ports.ListWorkflowDefinitions.Setup(port => port.List()).Returns([]);
        using var get = await _app.Client.GetAsync(path);

        using var head = await _app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.That(head.StatusCode, Is.EqualTo(get.StatusCode), await get.Content.ReadAsStringAsync());
        Assert.That(head.StatusCode, Is.Not.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(head.Content.Headers.ContentType?.MediaType, Is.EqualTo(get.Content.Headers.ContentType?.MediaType));
    }

    [TestCase("DELETE", "/openapi/v1.json", "GET,HEAD")]
    [TestCase("PATCH", "/workflows", "GET,HEAD,POST")]
    [TestCase("PUT", "/workflows/01943a7e-5c2b-7d3f-8a9b-0123456789ab", "GET,HEAD")]
    [TestCase("POST", "/workflow-definitions", "GET,HEAD")]
    [TestCase("GET", "/workflows/01943a7e-5c2b-7d3f-8a9b-0123456789ab/cancel", "POST")]
    public async Task Route_OtherMethods_Answer405ProblemWithAllow(string method, string path, string allowed)
    {
        using var response = await _app.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await HttpJson.ReadProblemAsync(response, 405);
        Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(allowed.Split(',')));
    }
}
