using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GoFlow.Domain;
using GoFlow.Host.Tests.EndToEnd;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace GoFlow.Host.Tests.Observability;

/// <summary>
/// The spans of the real host: the create request's span is the parent of the engine's <c>goflow.workflow.start</c>,
/// each task attempt has a <c>goflow.task.execute</c> span, and the host's OpenTelemetry pipeline takes in the
/// request, engine and database spans, and leaves out the probes.
/// </summary>
/// <remarks>
/// The create request's trace context is stored with the workflow, so the task spans join that trace however much
/// later, and on whichever worker, they run.
/// </remarks>
public sealed class TracingTests
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private static readonly TimeSpan SpanTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task StartWorkflow_RequestWithTraceParent_StartSpanIsAChildOfTheRequestSpanInThatTrace()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = Listen(spans, AspNetCoreSource, "GoFlow");
        await using var host = await GoFlowHost.StartAsync(Store.Sqlite);
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpanId = ActivitySpanId.CreateRandom();

        var id = await StartOrderAsync(host.Client, $"00-{traceId}-{callerSpanId}-01");

        var start = await SpanAsync(spans, span => span.OperationName == "goflow.workflow.start" && Tag(span, "workflow_id") == id);
        var request = await SpanAsync(spans, span => span.Source.Name == AspNetCoreSource && span.TraceId == traceId);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(request.ParentSpanId, Is.EqualTo(callerSpanId), "the request span continues the caller's trace");
            Assert.That(start.TraceId, Is.EqualTo(traceId));
            Assert.That(start.ParentSpanId, Is.EqualTo(request.SpanId), "goflow.workflow.start is a child of the request span");
            Assert.That(Tag(start, "workflow_name"), Is.EqualTo("OrderProcess"));
        }
    }

    [Test]
    public async Task RunWorkflow_ThreeSteps_EachAttemptEmitsAnExecuteSpanTaggedWithTheWorkflowId()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = Listen(spans, "GoFlow");
        await using var host = await GoFlowHost.StartAsync(Store.Sqlite);

        var id = await StartOrderAsync(host.Client, traceParent: null);
        var workflow = await host.WaitUntilFinishedAsync(id);
        Assert.That(workflow["status"]?.GetValue<string>(), Is.EqualTo(StatusNames.Completed), workflow.ToJsonString());

        // A task's span ends just after its result is recorded, which the client may see first.
        var executions = await Poll(
            () => spans.Where(span => span.OperationName == "goflow.task.execute" && Tag(span, "workflow_id") == id).ToList(),
            found => found.Count >= 3,
            "three goflow.task.execute spans");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(executions.OrderBy(span => span.StartTimeUtc).Select(span => Tag(span, "task_name")),
                Is.EqualTo(new[] { "ValidateOrder", "DeductMoney", "SendEmail" }));
            Assert.That(executions.Select(span => Tag(span, "outcome")), Has.All.EqualTo("Completed"));
            Assert.That(executions.Select(span => Tag(span, "attempt")), Has.All.EqualTo("1"));
            Assert.That(executions.Select(span => Tag(span, "workflow_name")), Has.All.EqualTo("OrderProcess"));
        }
    }

    [TestCase(Store.Sqlite)]
    [TestCase(Store.MySql)]
    public async Task RunWorkflow_StartedInATrace_EveryTaskSpanJoinsThatTrace(Store store)
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = Listen(spans, AspNetCoreSource, "GoFlow");
        await using var host = await GoFlowHost.StartAsync(store);
        var traceId = ActivityTraceId.CreateRandom();

        var id = await StartOrderAsync(host.Client, $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        var executions = await Poll(
            () => spans.Where(span => span.OperationName == "goflow.task.execute" && Tag(span, "workflow_id") == id).ToList(),
            found => found.Count >= 3,
            "three goflow.task.execute spans");
        var start = await SpanAsync(spans, span => span.OperationName == "goflow.workflow.start" && Tag(span, "workflow_id") == id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(executions.Select(span => span.TraceId), Has.All.EqualTo(traceId));
            Assert.That(executions.Select(span => span.ParentSpanId), Has.All.EqualTo(start.SpanId),
                "each task span is a child of the span that started the workflow");
        }
    }

    [Test]
    public async Task HostPipeline_WorkflowOnMySql_RecordsRequestEngineAndDatabaseSpansButNoProbes()
    {
        var recorded = new RecordingProcessor();
        await using var store = await TestStore.CreateAsync(Store.MySql);
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("urls", "http://127.0.0.1:0")
            .UseSetting(store.Setting.Key, store.Setting.Value)
            .ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(recorded))));
        using var client = factory.CreateClient();
        using (var probe = await client.GetAsync("/health/ready"))
        {
            Assert.That(probe.IsSuccessStatusCode || probe.StatusCode == HttpStatusCode.ServiceUnavailable, Is.True);
        }

        var id = await StartOrderAsync(client, traceParent: null);
        var start = await SpanAsync(recorded.Spans, span => span.OperationName == "goflow.workflow.start" && Tag(span, "workflow_id") == id);
        var executions = await Poll(
            () => recorded.Spans.Where(span => span.OperationName == "goflow.task.execute" && Tag(span, "workflow_id") == id).ToList(),
            found => found.Count >= 3,
            "three recorded goflow.task.execute spans");

        var all = recorded.Spans.ToList();
        var request = all.Single(span => span.SpanId == start.ParentSpanId);
        var executionIds = executions.Select(span => span.SpanId).ToHashSet();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(request.Source.Name, Is.EqualTo(AspNetCoreSource));
            Assert.That(
                all.Where(span => span.Source.Name == "MySqlConnector" && span.TraceId == start.TraceId),
                Is.Not.Empty,
                "the create request's database calls are in its trace");
            Assert.That(
                all.Where(span => span.Source.Name == "MySqlConnector" && executionIds.Contains(span.ParentSpanId)),
                Is.Not.Empty,
                "recording a task's result is a database span under its goflow.task.execute span");
            Assert.That(
                all.Where(span => span.Source.Name == AspNetCoreSource)
                    .Select(span => span.GetTagItem("url.path") as string ?? span.DisplayName),
                Has.None.Contains("/health"),
                "probes start no trace");
        }
    }

    private static ActivityListener Listen(ConcurrentQueue<Activity> spans, params string[] sources)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static async Task<string> StartOrderAsync(HttpClient client, string? traceParent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/workflows")
        {
            Content = new StringContent(
                """{"workflow_name": "OrderProcess", "input_payload": {"order_id": "T-1", "amount": 3}}""",
                Encoding.UTF8,
                "application/json"),
        };
        if (traceParent is not null)
        {
            request.Headers.Add("traceparent", traceParent);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        return JsonNode.Parse(text)!["data"]!["id"]!.GetValue<string>();
    }

    private static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    /// <summary>The first span that matches, once it has ended (a request span ends just after its answer is sent).</summary>
    private static async Task<Activity> SpanAsync(IEnumerable<Activity> spans, Func<Activity, bool> match) =>
        (await Poll(() => spans.FirstOrDefault(match), found => found is not null, "the span"))!;

    private static async Task<T> Poll<T>(Func<T> read, Func<T, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = read();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > SpanTimeout)
            {
                Assert.Fail($"Timed out after {SpanTimeout.TotalSeconds:0}s waiting for {what}");
            }

            // A short pause between reads, not a wait standing in for the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>Keeps every span the host's tracer provider ends, as an exporter would receive them.</summary>
    private sealed class RecordingProcessor : BaseProcessor<Activity>
    {
        public ConcurrentQueue<Activity> Spans { get; } = new();

        public override void OnEnd(Activity data) => Spans.Enqueue(data);
    }
}
