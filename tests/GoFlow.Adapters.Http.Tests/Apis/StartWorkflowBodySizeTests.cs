using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Ports.Driving;
using Moq;

namespace GoFlow.Adapters.Http.Tests.Apis;

/// <summary>
/// POST /workflows' body limit (<see cref="ApiOptions.MaxRequestBodyBytes"/>), on a real Kestrel and on the in-memory
/// server, which enforces no limit of its own. A body over it is the client's error (413 problem), never a 500 and
/// never a call of the use case.
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
public sealed class StartWorkflowBodySizeTests(bool onKestrel)
{
    private static readonly int DefaultLimit = new ApiOptions().MaxRequestBodyBytes;

    private AdapterApp _app = null!;

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task StartWorkflow_BodyOverTheDefaultLimit_Answers413ProblemWithoutCallingTheUseCase()
    {
        await StartAsync();

        using var response = await _app.Client.PostAsync("/workflows", HttpJson.Body(BodyOfSize(DefaultLimit + 1)));

        var problem = await HttpJson.ReadProblemAsync(response, 413);
        Assert.That(problem["detail"]?.GetValue<string>(), Does.Contain(DefaultLimit.ToString(CultureInfo.InvariantCulture)));
        _app.Ports.StartWorkflow.VerifyNoOtherCalls();
    }

    [Test]
    public async Task StartWorkflow_ChunkedBodyOverTheLimit_Answers413ProblemWithoutCallingTheUseCase()
    {
        await StartAsync();
        // Without a Content-Length the server only finds out while reading, after the handler has started.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/workflows")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(BodyOfSize(DefaultLimit + 1)))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await _app.Client.SendAsync(request);

        await HttpJson.ReadProblemAsync(response, 413);
        _app.Ports.StartWorkflow.VerifyNoOtherCalls();
    }

    [Test]
    public async Task StartWorkflow_BodyAtTheDefaultLimit_IsServed()
    {
        await StartAsync();

        using var response = await _app.Client.PostAsync("/workflows", HttpJson.Body(BodyOfSize(DefaultLimit)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task StartWorkflow_ConfiguredLimit_IsTheOneApplied()
    {
        const int Limit = 2048;
        await StartAsync(new Dictionary<string, string?> { ["Api:MaxRequestBodyBytes"] = "2048" });

        using var atLimit = await _app.Client.PostAsync("/workflows", HttpJson.Body(BodyOfSize(Limit)));
        using var overLimit = await _app.Client.PostAsync("/workflows", HttpJson.Body(BodyOfSize(Limit + 1)));

        Assert.That(atLimit.StatusCode, Is.EqualTo(HttpStatusCode.Created), await atLimit.Content.ReadAsStringAsync());
        var problem = await HttpJson.ReadProblemAsync(overLimit, 413);
        Assert.That(problem["detail"]?.GetValue<string>(), Does.Contain("2048"));
        _app.Ports.StartWorkflow.Verify(
            port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    /// <summary>A valid start request of exactly <paramref name="bytes"/> UTF-8 bytes.</summary>
    private static string BodyOfSize(int bytes)
    {
        const string Start = "{\"workflow_name\":\"OrderProcess\",\"input_payload\":{\"note\":\"";
        const string End = "\"}}";
        return Start + new string('x', bytes - Start.Length - End.Length) + End;
    }

    private async Task StartAsync(Dictionary<string, string?>? settings = null)
    {
        _app = await AdapterApp.StartAsync(onKestrel, settings);
        _app.Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.Started(ReadModels.Workflow()));
    }
}
