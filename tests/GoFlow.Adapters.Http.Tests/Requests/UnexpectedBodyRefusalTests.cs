using System.Net;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using Moq;

namespace GoFlow.Adapters.Http.Tests.Requests;

/// <summary>
/// A body sent to a route that takes none is refused with a 400 problem before the route runs (ADR 0016), for every route
/// in the adapter's route table but the two that declare a body; an empty body passes.
/// </summary>
public sealed class UnexpectedBodyRefusalTests
{
    private const string RefusalTitle = "Request body not accepted";

    private static readonly WorkflowId Id = WorkflowId.New(DateTimeOffset.UtcNow);

    private static readonly Dictionary<string, string> Parameters = new()
    {
        ["id"] = Id.ToString(),
        ["name"] = "Nightly",
        ["documentName"] = "v1",
    };

    private AdapterApp _app = null!;

    [SetUp]
    public async Task StartAsync() => _app = await AdapterApp.StartAsync();

    [TearDown]
    public async Task StopAsync() => await _app.DisposeAsync();

    [Test]
    public void RouteTable_DeclaredBodies_AreTheStartAndTheSignalOnly()
    {
        var withBody = RouteTable.Requests(_app.Services, Parameters).Where(route => route.TakesBody).Select(route => route.ToString());

        Assert.That(withBody, Is.EquivalentTo(new[] { "POST /workflows/", "POST /workflows/{id}/signals/{name}" }));
    }

    [Test]
    public async Task EveryRouteWithoutADeclaredBody_RequestWithContent_Answers400ProblemAndCallsNoPort()
    {
        var routes = RouteTable.Requests(_app.Services, Parameters).Where(route => !route.TakesBody).ToList();
        Assert.That(routes, Has.Count.GreaterThan(10), "the route table was read");

        foreach (var route in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path)
            {
                Content = HttpJson.Body("""{"reason": "the operator asked"}"""),
            };
            using var response = await _app.Client.SendAsync(request);

            if (route.Method == "HEAD")
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), route.ToString());
                continue;
            }

            var problem = await HttpJson.ReadProblemAsync(response, 400);
            Assert.That(problem["title"]?.GetValue<string>(), Is.EqualTo(RefusalTitle), route.ToString());
            Assert.That(problem["detail"]?.GetValue<string>(), Does.Contain(route.Method + " " + route.Pattern.TrimEnd('/')), route.ToString());
        }

        _app.Ports.VerifyNoneCalled();
    }

    [TestCase("{}")]
    [TestCase(" ")]
    [TestCase("null")]
    public async Task Cancel_AnyContentEvenAnEmptyObject_IsRefused(string body)
    {
        using var response = await _app.Client.PostAsync($"/workflows/{Id}/cancel", HttpJson.Body(body));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["title"]?.GetValue<string>(), Is.EqualTo(RefusalTitle));
        _app.Ports.CancelWorkflow.VerifyNoOtherCalls();
    }

    [Test]
    public async Task CancelAndRetry_NoContentOrAnEmptyBody_AreHandled()
    {
        _app.Ports.CancelWorkflow.Setup(port => port.CancelAsync(Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WorkflowChangeResult(WorkflowChangeOutcome.NotFound, Status: null));
        _app.Ports.RetryWorkflow.Setup(port => port.RetryAsync(Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WorkflowChangeResult(WorkflowChangeOutcome.NotFound, Status: null));

        // HttpClient sends Content-Length: 0 for a POST without content, as browsers do.
        using var noContent = await _app.Client.PostAsync($"/workflows/{Id}/cancel", content: null);
        using var emptyBody = await _app.Client.PostAsync($"/workflows/{Id}/retry", HttpJson.Body(string.Empty));

        await HttpJson.ReadProblemAsync(noContent, 404);
        await HttpJson.ReadProblemAsync(emptyBody, 404);
        _app.Ports.CancelWorkflow.Verify(port => port.CancelAsync(Id, It.IsAny<CancellationToken>()), Times.Once);
        _app.Ports.RetryWorkflow.Verify(port => port.RetryAsync(Id, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task Start_WithItsBody_IsNotRefused()
    {
        _app.Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.Started(ReadModels.Workflow()));

        using var response = await _app.Client.PostAsync("/workflows", HttpJson.Body("""{"workflow_name": "OrderProcess"}"""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Cancel_ChunkedBodyOnKestrel_Answers400AndClosesTheConnectionUnread()
    {
        await using var app = await AdapterApp.StartAsync(onKestrel: true);

        // No Connection: close from the client: the server closes it, rather than read the rest of the body.
        var answer = await RawHttp.SendAsync(app.Client.BaseAddress!,
            $"POST /workflows/{Id}/cancel HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
            "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"reason\": \"x\"}\r\n");

        Assert.That(answer.Status, Is.EqualTo(400), answer.Body);
        Assert.That(answer.Header("Content-Type"), Does.StartWith(HttpJson.ProblemContentType));
        Assert.That(answer.Header("Connection"), Is.EqualTo("close"));
        Assert.That(answer.Body, Does.Contain(RefusalTitle));
        app.Ports.CancelWorkflow.VerifyNoOtherCalls();
    }
}
