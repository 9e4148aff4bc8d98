using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace GoFlow.Client;

public static class GoFlowClientServiceCollectionExtensions
{
    /// <summary>The longest Retry-After the client waits before repeating a call itself: the standard attempt timeout.</summary>
    private static readonly TimeSpan LongestRetryAfterWaited = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Registers <see cref="IGoFlowClient"/> for the GoFlow API at <paramref name="baseAddress"/>, sending
    /// <paramref name="apiKey"/> as <c>Authorization: Bearer</c> when given, through IHttpClientFactory, with the
    /// standard resilience handler: transient failures (503, 5xx, a refused connection, a timeout) are retried, but only
    /// for the calls that are safe to repeat: reads, and starts, which always carry an Idempotency-Key. Cancel and retry
    /// are sent once. Returns the client's builder, to change its handlers or <paramref name="configureResilience"/>.
    /// </summary>
    public static IHttpClientBuilder AddGoFlowClient(
        this IServiceCollection services,
        Uri baseAddress,
        string? apiKey = null,
        Action<HttpStandardResilienceOptions>? configureResilience = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseAddress);
        services.TryAddSingleton(TimeProvider.System);

        var builder = services.AddHttpClient<IGoFlowClient, GoFlowClient>(http =>
        {
            http.BaseAddress = baseAddress;
            if (!string.IsNullOrEmpty(apiKey))
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }
        });
        builder.AddStandardResilienceHandler(options =>
        {
            var transient = options.Retry.ShouldHandle;
            options.Retry.ShouldHandle = async arguments =>
                IsSafeToRepeat(arguments.Context.GetRequestMessage())
                && !AsksForALongWait(arguments.Outcome.Result)
                && await transient(arguments);
            configureResilience?.Invoke(options);
        });
        return builder;
    }

    /// <summary>
    /// True when the answer's Retry-After is further away than <see cref="LongestRetryAfterWaited"/>: the call is not
    /// repeated then but fails at once with the server's Retry-After, for the caller to decide, instead of waiting
    /// inside one call past its timeouts (or, for a date years away, failing on a delay no timer can hold).
    /// </summary>
    private static bool AsksForALongWait(HttpResponseMessage? response)
    {
        if (response?.Headers.RetryAfter is not { } retryAfter)
        {
            return false;
        }

        // A date is on the server's clock: measured from its Date header when it sent one.
        var wait = retryAfter.Delta
            ?? retryAfter.Date - (response.Headers.Date ?? TimeProvider.System.GetUtcNow());
        return wait > LongestRetryAfterWaited;
    }

    private static bool IsSafeToRepeat(HttpRequestMessage? request) =>
        request is not null
        && (request.Method == HttpMethod.Get || request.Headers.Contains(GoFlowClient.IdempotencyKeyHeader));
}
