using System.Net;
using System.Net.Http.Headers;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.TestSupport;
using Microsoft.Extensions.Logging;
using Moq;

namespace GoFlow.Adapters.Http.Tests.Problems;

public sealed class UnexpectedExceptionHandlerTests
{
    // What a failing database driver might put in an exception: none of it may reach the client.
    private const string SecretMessage =
        "Table 'goflow.workflow_instances' doesn't exist; SELECT id FROM workflow_instances; Server=db;Password=hunter2";

    [Test]
    public async Task PortThrows_Answers500ProblemWithTraceIdAndNoInternals()
    {
        await using var app = await AdapterApp.StartAsync();
        app.Ports.ListWorkflowDefinitions.Setup(port => port.List()).Throws(new InvalidOperationException(SecretMessage));

        using var response = await app.Client.GetAsync("/workflow-definitions");

        var text = await response.Content.ReadAsStringAsync();
        var problem = await HttpJson.ReadProblemAsync(response, 500);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Not.Contain("hunter2").And.Not.Contain("workflow_instances").And.Not.Contain("InvalidOperation"));
            Assert.That(problem["title"]?.GetValue<string>(), Is.EqualTo("An unexpected error occurred"));
        }
    }

    [Test]
    public async Task PortThrows_LogsTheFullErrorWithTheTraceIdTheClientSees()
    {
        await using var app = await AdapterApp.StartAsync();
        var thrown = new InvalidOperationException(SecretMessage);
        app.Ports.GetWorkflow
            .Setup(port => port.GetAsync(It.IsAny<GetWorkflowQuery>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(thrown);

        using var response = await app.Client.GetAsync($"/workflows/{ReadModels.WorkflowId}");

        var traceId = (await HttpJson.ReadProblemAsync(response, 500))[HttpJson.TraceIdMember]!.GetValue<string>();
        var errors = app.Logs.Entries.Where(entry => entry.Level == LogLevel.Error).ToList();
        Assert.That(errors, Has.Some.Matches<LogEntry>(entry =>
            ReferenceEquals(entry.Exception, thrown) && entry.Message.Contains(traceId, StringComparison.Ordinal)));
    }

    [Test]
    public async Task StoreUnavailable_Answers503ProblemWithRetryAfterAndNoInternals()
    {
        await using var app = await AdapterApp.StartAsync();
        var thrown = new StoreUnavailableException(
            "The MySQL store is unavailable.", new InvalidOperationException(SecretMessage));
        app.Ports.GetWorkflow
            .Setup(port => port.GetAsync(It.IsAny<GetWorkflowQuery>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(thrown);

        using var response = await app.Client.GetAsync($"/workflows/{ReadModels.WorkflowId}");

        var text = await response.Content.ReadAsStringAsync();
        var problem = await HttpJson.ReadProblemAsync(response, 503);
        var traceId = problem[HttpJson.TraceIdMember]!.GetValue<string>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(text, Does.Not.Contain("hunter2").And.Not.Contain("MySQL").And.Not.Contain("workflow_instances"));
            Assert.That(app.Logs.Entries, Has.Some.Matches<LogEntry>(entry => entry.Level == LogLevel.Warning
                && ReferenceEquals(entry.Exception, thrown) && entry.Message.Contains(traceId, StringComparison.Ordinal)));
        }
    }

    [Test]
    public async Task PortThrows_ClientAcceptsOnlyHtml_StillAnswersAProblemDocument()
    {
        await using var app = await AdapterApp.StartAsync();
        app.Ports.ListWorkflowDefinitions.Setup(port => port.List()).Throws(new InvalidOperationException(SecretMessage));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/workflow-definitions");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        using var response = await app.Client.SendAsync(request);

        await HttpJson.ReadProblemAsync(response, 500);
    }

    [Test]
    public async Task UnknownRoute_Answers404Problem()
    {
        await using var app = await AdapterApp.StartAsync();

        using var response = await app.Client.GetAsync("/no-such-route");

        await HttpJson.ReadProblemAsync(response, 404);
    }

    [Test]
    public async Task WrongMethod_Answers405Problem()
    {
        await using var app = await AdapterApp.StartAsync();

        using var response = await app.Client.DeleteAsync("/workflow-definitions");

        await HttpJson.ReadProblemAsync(response, 405);
    }

    [Test]
    public async Task ClientResetTheConnection_AnswersNothingLogsNoErrorAndCountsNo5xx()
    {
        await using var app = await AdapterApp.StartAsync();
        app.Ports.ListWorkflowDefinitions.Setup(port => port.List())
            .Throws(new Microsoft.AspNetCore.Connections.ConnectionResetException("Connection reset by peer"));

        using var response = await app.Client.GetAsync("/workflow-definitions");

        Assert.That((int)response.StatusCode, Is.EqualTo(499));
        Assert.That(app.Logs.Entries.Where(entry => entry.Level >= LogLevel.Error), Is.Empty);
    }

    [Test]
    public async Task StoreRefusesThePayloadAsTooLarge_Answers413Problem()
    {
        await using var app = await AdapterApp.StartAsync();
        app.Ports.ListWorkflowDefinitions.Setup(port => port.List())
            .Throws(new PayloadTooLargeForStoreException("packet too large", new InvalidOperationException(SecretMessage)));

        using var response = await app.Client.GetAsync("/workflow-definitions");

        var text = await response.Content.ReadAsStringAsync();
        await HttpJson.ReadProblemAsync(response, 413);
        Assert.That(text, Does.Not.Contain("hunter2").And.Not.Contain("packet"));
    }

    [TestCase(408, "Reading the request body timed out due to data arriving too slowly. See MinRequestBodyDataRate.")]
    [TestCase(400, "Bad chunk size data.")]
    [TestCase(431, "Request headers too long.")]
    public async Task ServerRefusesTheRequest_AnswersItsStatusWordedForTheClient(int status, string serverMessage)
    {
        await using var app = await AdapterApp.StartAsync();
        app.Ports.ListWorkflowDefinitions.Setup(port => port.List())
            .Throws(new Microsoft.AspNetCore.Http.BadHttpRequestException(serverMessage, status));

        using var response = await app.Client.GetAsync("/workflow-definitions");

        var problem = await HttpJson.ReadProblemAsync(response, status);
        Assert.That(problem["detail"]?.GetValue<string>(), Is.Not.Empty.And.Not.Contain(serverMessage).And.Not.Contain("MinRequestBodyDataRate"));
        Assert.That(app.Logs.Entries, Has.Some.Matches<LogEntry>(entry => entry.Message.Contains(serverMessage, StringComparison.Ordinal)));
    }
}
