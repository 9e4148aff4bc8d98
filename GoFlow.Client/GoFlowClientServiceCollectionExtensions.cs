using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace GoFlow.Client;

public static class GoFlowClientServiceCollectionExtensions
{
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
                IsSafeToRepeat(arguments.Context.GetRequestMessage()) && await transient(arguments);
            configureResilience?.Invoke(options);
        });
        return builder;
    }

    private static bool IsSafeToRepeat(HttpRequestMessage? request) =>
        request is not null
        && (request.Method == HttpMethod.Get || request.Headers.Contains(GoFlowClient.IdempotencyKeyHeader));
}
