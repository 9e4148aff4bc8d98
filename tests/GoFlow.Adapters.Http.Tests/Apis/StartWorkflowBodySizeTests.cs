using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GoFlow.Adapters.Http.Apis;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Ports.Driving;
using Moq;

namespace GoFlow.Adapters.Http.Tests.Apis;

/// <summary>
/// POST /workflows' body limit, on a real Kestrel: the in-memory test server enforces no limit. A body over it is the
/// client's error (413 problem), never a 500 and never a call of the use case.
/// </summary>
public sealed class StartWorkflowBodySizeTests
{
    private AdapterApp _app = null!;

    [SetUp]
    public async Task SetUp()
    {
        _app = await AdapterApp.StartAsync(onKestrel: true);
        _app.Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.Started(ReadModels.Workflow()));
    }

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task StartWorkflow_BodyOverTheLimit_Answers413ProblemWithoutCallingTheUseCase()
    {
        using var response = await _app.Client.PostAsync(
            "/workflows", HttpJson.Body(BodyOfSize(WorkflowsApi.MaxStartRequestBytes + 1)));

        var problem = await HttpJson.ReadProblemAsync(response, 413);
        Assert.That(problem["detail"]?.GetValue<string>(), Does.Contain(WorkflowsApi.MaxStartRequestBytes.ToString(
            System.Globalization.CultureInfo.InvariantCulture)));
        _app.Ports.StartWorkflow.VerifyNoOtherCalls();
    }

    [Test]
    public async Task StartWorkflow_ChunkedBodyOverTheLimit_Answers413ProblemWithoutCallingTheUseCase()
    {
        // Without a Content-Length the server only finds out while reading, after the handler has started.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/workflows")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(BodyOfSize(WorkflowsApi.MaxStartRequestBytes + 1)))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await _app.Client.SendAsync(request);

        await HttpJson.ReadProblemAsync(response, 413);
        _app.Ports.StartWorkflow.VerifyNoOtherCalls();
    }

    [Test]
    public async Task StartWorkflow_BodyAtTheLimit_IsServed()
    {
        using var response = await _app.Client.PostAsync(
            "/workflows", HttpJson.Body(BodyOfSize(WorkflowsApi.MaxStartRequestBytes)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    /// <summary>A valid start request of exactly <paramref name="bytes"/> UTF-8 bytes.</summary>
    private static string BodyOfSize(long bytes)
    {
        const string Start = "{\"workflow_name\":\"OrderProcess\",\"input_payload\":{\"note\":\"";
        const string End = "\"}}";
        return Start + new string('x', (int)bytes - Start.Length - End.Length) + End;
    }
}
