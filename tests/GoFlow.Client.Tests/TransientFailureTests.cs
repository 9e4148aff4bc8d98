using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Client.Tests;

/// <summary>
/// Transient failures, served by a stub server handler that answers 503 (as the host does when its store is down)
/// a given number of times: reads and starts are repeated, cancel and retry are not.
/// </summary>
public sealed class TransientFailureTests
{
    private const string Workflow = """{"data": {"id": "w1", "workflow_name": "OrderProcess", "status": "PENDING", "current_input": {}, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "tasks": []}}""";

    [Test]
    public async Task Get_TwoUnavailableAnswers_IsRepeatedUntilServed()
    {
        var server = new FailingServer(failures: 2);

        var workflow = await ClientOf(server).GetAsync("w1");

        Assert.That((workflow.Id, server.Requests), Is.EqualTo(("w1", 3)));
    }

    [Test]
    public async Task Start_UnavailableOnce_IsRepeatedWithTheSameIdempotencyKey()
    {
        var server = new FailingServer(failures: 1);

        await ClientOf(server).StartAsync("OrderProcess");

        Assert.That(server.IdempotencyKeys, Has.Count.EqualTo(2).And.All.EqualTo(server.IdempotencyKeys[0]));
    }

    [Test]
    public void Cancel_Unavailable_IsSentOnceAndThrowsWithRetryAfter()
    {
        var server = new FailingServer(failures: 1);

        var problem = Assert.ThrowsAsync<GoFlowUnavailableException>(() => ClientOf(server).CancelAsync("w1"));

        Assert.That((server.Requests, problem!.RetryAfter), Is.EqualTo((1, TimeSpan.FromSeconds(5))));
    }

    [Test]
    public void Retry_Unavailable_IsSentOnce()
    {
        var server = new FailingServer(failures: 1);

        Assert.ThrowsAsync<GoFlowUnavailableException>(() => ClientOf(server).RetryAsync("w1"));
        Assert.That(server.Requests, Is.EqualTo(1));
    }

    private static IGoFlowClient ClientOf(FailingServer server) => new ServiceCollection()
        .AddGoFlowClient(new Uri("http://goflow.test"), configureResilience: ClientHost.FastRetries)
        .ConfigurePrimaryHttpMessageHandler(() => server)
        .Services
        .BuildServiceProvider()
        .GetRequiredService<IGoFlowClient>();

    private sealed class FailingServer(int failures) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => _requests;

        public List<string> IdempotencyKeys { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValues("Idempotency-Key", out var keys))
            {
                IdempotencyKeys.AddRange(keys);
            }

            if (Interlocked.Increment(ref _requests) <= failures)
            {
                var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
                {
                    Content = new StringContent("""{"title": "The store is unavailable", "status": 503}""", Encoding.UTF8, "application/problem+json"),
                };
                unavailable.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5));
                return Task.FromResult(unavailable);
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(Workflow, Encoding.UTF8, "application/json"),
            });
        }
    }
}
