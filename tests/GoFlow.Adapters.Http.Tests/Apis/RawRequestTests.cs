using System.Diagnostics.Metrics;
using GoFlow.Adapters.Http.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Moq;

namespace GoFlow.Adapters.Http.Tests.Apis;

/// <summary>
/// Requests a careless or hostile client writes by hand, on a real Kestrel: broken framing is the client's error (a
/// 4xx problem), and a client that leaves halfway is no error of the server's (no error log, no 5xx in the metrics).
/// </summary>
public sealed class RawRequestTests
{
    private const string HostingMeter = "Microsoft.AspNetCore.Hosting";

    private AdapterApp _app = null!;

    private Uri Server => _app.Client.BaseAddress!;

    [SetUp]
    public async Task StartAsync() => _app = await AdapterApp.StartAsync(onKestrel: true);

    [TearDown]
    public async Task StopAsync() => await _app.DisposeAsync();

    [TestCase("80000000")]
    [TestCase("FFFFFFFFFFFFFFFF")]
    public async Task StartWorkflow_ChunkSizeThatOverflows_Answers400Problem(string chunkSize)
    {
        var answer = await RawHttp.SendAsync(Server,
            "POST /workflows HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
            $"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{chunkSize}\r\n{{\"workflow_name\":\"OrderProcess\"}}");

        Assert.That(answer.Status, Is.EqualTo(400), answer.Body);
        Assert.That(answer.Header("Content-Type"), Does.StartWith(HttpJson.ProblemContentType));
        HttpJson.AssertNoInternals(answer.Body);
        Assert.That(_app.Logs.Entries.Where(entry => entry.Level >= LogLevel.Error), Is.Empty);
    }

    [Test]
    public async Task StartWorkflow_ClientResetsTheConnectionMidBody_LogsNoErrorAndCountsNo5xx()
    {
        var meters = _app.Services.GetRequiredService<IMeterFactory>();
        using var started = new MetricCollector<long>(meters, HostingMeter, "http.server.active_requests");
        using var requests = new MetricCollector<double>(meters, HostingMeter, "http.server.request.duration");

        await RawHttp.SendAndResetAsync(Server,
            "POST /workflows HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n" +
            "{\"workflow_name\": \"OrderProcess\", \"input_payload\": {\"note\": \"",
            serverHasIt: () => started.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(20)));
        await requests.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(20));

        var status = Convert.ToInt32(requests.GetMeasurementSnapshot().Single().Tags["http.response.status_code"],
            System.Globalization.CultureInfo.InvariantCulture);
        TestContext.Out.WriteLine(status + string.Join("\n", _app.Logs.Entries.Select(e => e.Level + " " + e.Category + " " + e.Message + " " + e.Exception?.GetType())));
        Assert.That(status, Is.LessThan(500));
        Assert.That(_app.Logs.Entries.Where(entry => entry.Level >= LogLevel.Error).Select(entry => entry.Message), Is.Empty);
        _app.Ports.StartWorkflow.VerifyNoOtherCalls();
    }

    [Test]
    public async Task ListWorkflowDefinitions_Head_Answers200WithHeadersAndNoBody()
    {
        _app.Ports.ListWorkflowDefinitions.Setup(port => port.List()).Returns([]);

        var answer = await RawHttp.SendAsync(Server,
            "HEAD /workflow-definitions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        Assert.That(answer.Status, Is.EqualTo(200));
        Assert.That(answer.Header("Content-Type"), Does.StartWith("application/json"));
        Assert.That(answer.Body, Is.Empty);
    }
}
