using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace GoFlow.Client.Tests;

/// <summary>
/// What <see cref="ClientFuzzTests"/> found, one case each, against a stub server: an answer the client cannot read,
/// or a refusal of its own resilience handler, throws one of its documented exceptions.
/// </summary>
public sealed class BrokenAnswerTests
{
    private const string Task = """{"id": 1, "task_name": "ValidateOrder", "status": "PENDING", "attempt": 0, "input_payload": {}, "output_payload": null, "error": null, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "worker_id": null}""";

    [TestCase("""{"data": {"id": "w1", "workflow_name": "OrderProcess", "stat""", TestName = "Get_TruncatedBody_ThrowsInvalidResponse")]
    [TestCase("<html>Bad gateway</html>", TestName = "Get_HtmlBody_ThrowsInvalidResponse")]
    [TestCase("""{"data": null}""", TestName = "Get_DataNull_ThrowsInvalidResponse")]
    [TestCase("""{}""", TestName = "Get_NoData_ThrowsInvalidResponse")]
    [TestCase("""{"data": {"id": "w1", "workflow_name": "OrderProcess", "status": "PENDING", "current_input": {}, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}}""", TestName = "Get_NoTasks_ThrowsInvalidResponse")]
    [TestCase("""{"data": {"id": "w1", "workflow_name": null, "status": "PENDING", "current_input": {}, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "tasks": []}}""", TestName = "Get_NullName_ThrowsInvalidResponse")]
    [TestCase("""{"data": {"id": "w1", "workflow_name": "OrderProcess", "status": "PENDING", "current_input": true, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "tasks": [""" + Task + "]}}", TestName = "Get_InputOfAnotherType_ThrowsInvalidResponse")]
    public void Get_AnswerNotTheApis_ThrowsInvalidResponse(string body)
    {
        var client = ClientOf(new StubServer(_ => Answer(HttpStatusCode.OK, body)));

        var thrown = Assert.ThrowsAsync<GoFlowInvalidResponseException>(() => client.GetAsync("w1"));

        Assert.That(thrown!.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void Get_UnknownCharset_ThrowsInvalidResponse()
    {
        var client = ClientOf(new StubServer(_ => Answer(HttpStatusCode.OK, "{}", "application/json; charset=bogus")));

        Assert.ThrowsAsync<GoFlowInvalidResponseException>(() => client.GetAsync("w1"));
    }

    [Test]
    public void Get_ProblemInUnknownCharset_ThrowsNotFound()
    {
        var client = ClientOf(new StubServer(_ => Answer(HttpStatusCode.NotFound, """{"title": "Not found"}""", "application/problem+json; charset=bogus")));

        Assert.ThrowsAsync<GoFlowNotFoundException>(() => client.GetAsync("w1"));
    }

    [Test]
    public void List_SameNextCursorAgain_ThrowsInvalidResponseInsteadOfReadingForever()
    {
        var client = ClientOf(new StubServer(_ => Answer(HttpStatusCode.OK, """{"data": [], "next_cursor": "c2"}""")));

        Assert.ThrowsAsync<GoFlowInvalidResponseException>(async () =>
        {
            await foreach (var _ in client.ListAsync())
            {
            }
        });
    }

    [TestCase("Fri, 31 Dec 9999 23:59:59 GMT")]
    [TestCase("3600")]
    public void Get_RetryAfterFarAway_ThrowsUnavailableAtOnce(string retryAfter)
    {
        var server = new StubServer(_ =>
        {
            var answer = Answer(HttpStatusCode.ServiceUnavailable, """{"title": "Down for maintenance"}""", "application/problem+json");
            answer.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
            return answer;
        });

        Assert.ThrowsAsync<GoFlowUnavailableException>(() => ClientOf(server).GetAsync("w1"));
        Assert.That(server.Requests, Is.EqualTo(1));
    }

    [Test]
    public void Get_RetryAfterShort_IsRepeated()
    {
        var server = new StubServer(_ =>
        {
            var answer = Answer(HttpStatusCode.ServiceUnavailable, """{"title": "Busy"}""", "application/problem+json");
            answer.Headers.TryAddWithoutValidation("Retry-After", "0");
            return answer;
        });

        Assert.ThrowsAsync<GoFlowUnavailableException>(() => ClientOf(server).GetAsync("w1"));
        Assert.That(server.Requests, Is.GreaterThan(1));
    }

    [Test]
    public void AnyCall_CircuitOpen_ThrowsUnavailableWithoutCallingTheServer()
    {
        var server = new StubServer(_ => Answer(HttpStatusCode.InternalServerError, "{}", "application/problem+json"));
        var client = ClientOf(server, options =>
        {
            options.CircuitBreaker.MinimumThroughput = 2;
            options.CircuitBreaker.FailureRatio = 0.5;
        });
        Assert.ThrowsAsync<GoFlowProblemException>(() => client.CancelAsync("w1"));
        Assert.ThrowsAsync<GoFlowProblemException>(() => client.CancelAsync("w1"));

        Assert.ThrowsAsync<GoFlowUnavailableException>(() => client.CancelAsync("w1"));
        Assert.That(server.Requests, Is.EqualTo(2));
    }

    [Test]
    public void AnyCall_ServerNeverAnswers_ThrowsTimeout()
    {
        var server = new StubServer(_ => null);
        var client = ClientOf(server, options =>
        {
            options.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(50);
            options.TotalRequestTimeout.Timeout = TimeSpan.FromMilliseconds(200);
        });

        Assert.ThrowsAsync<TimeoutException>(() => client.CancelAsync("w1"));
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string body, string contentType = "application/json")
    {
        var answer = new HttpResponseMessage(status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        answer.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return answer;
    }

    private static IGoFlowClient ClientOf(StubServer server, Action<HttpStandardResilienceOptions>? configure = null) => new ServiceCollection()
        .AddGoFlowClient(new Uri("http://goflow.test"), configureResilience: options =>
        {
            ClientHost.FastRetries(options);
            configure?.Invoke(options);
        })
        .ConfigurePrimaryHttpMessageHandler(() => server)
        .Services
        .BuildServiceProvider()
        .GetRequiredService<IGoFlowClient>();

    /// <summary>Answers every request as told; an answer of null is none at all, until the request is cancelled.</summary>
    private sealed class StubServer(Func<HttpRequestMessage, HttpResponseMessage?> answer) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => _requests;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            if (answer(request) is { } response)
            {
                return response;
            }

            await System.Threading.Tasks.Task.Delay(Timeout.Infinite, cancellationToken);
            throw new OperationCanceledException(cancellationToken);
        }
    }
}
