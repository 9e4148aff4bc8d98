using GoFlow.Adapters.Http.Tests.Hosted;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace GoFlow.Adapters.Http.Tests.Load;

/// <summary>The count of requests in flight that a worker in the same process reads (ADR 0021).</summary>
public sealed class ApiRequestsInFlightTests
{
    private AdapterApp _app = null!;

    [SetUp]
    public async Task SetUp() => _app = await AdapterApp.StartAsync();

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task RequestsInFlight_WhileARequestIsServedAndAfterItsAnswer_CountsItThenNot()
    {
        var answer = new TaskCompletionSource<StartWorkflowResult>();
        _app.Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .Returns(answer.Task);
        var load = _app.Services.GetRequiredService<IApiLoad>();
        Assert.That(load.RequestsInFlight, Is.Zero);

        var response = _app.Client.PostAsync(new Uri("/workflows", UriKind.Relative), HttpJson.Body("""{"workflow_name":"OrderProcess"}"""));
        var whileServed = await Poll.UntilAsync(
            () => Task.FromResult(load.RequestsInFlight), count => count > 0, TimeSpan.FromSeconds(15), "the request to be counted");
        answer.SetResult(new StartWorkflowResult.Started(ReadModels.Workflow()));
        using (await response)
        {
        }

        // The client may see the answer a moment before the pipeline has unwound past the counter.
        var afterAnswer = await Poll.UntilAsync(
            () => Task.FromResult(load.RequestsInFlight), count => count == 0, TimeSpan.FromSeconds(15), "the answered request to leave the count");
        Assert.That(whileServed, Is.EqualTo(1));
        Assert.That(afterAnswer, Is.Zero);
    }
}
