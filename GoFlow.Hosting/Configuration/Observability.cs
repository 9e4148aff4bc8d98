using GoFlow.Application.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GoFlow.Hosting.Configuration;

/// <summary>
/// Metrics and traces through OpenTelemetry: the engine's meter and activity source (<see cref="EngineTelemetry"/>),
/// ASP.NET Core's requests, and MySqlConnector's database calls. Metrics are served for Prometheus at
/// <see cref="MetricsPath"/>; everything goes to an OTLP collector too when <see cref="OtlpEndpointVariable"/> is set.
/// </summary>
internal static class Observability
{
    public const string MetricsPath = "/metrics";

    /// <summary>The OpenTelemetry SDKs' standard variable; setting it switches the OTLP exporter on, for every signal.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The OpenTelemetry SDKs' standard variable for the service name; <see cref="DefaultServiceName"/> without it.</summary>
    public const string ServiceNameVariable = "OTEL_SERVICE_NAME";

    public const string DefaultServiceName = "goflow";

    /// <summary>MySqlConnector's own activity source: one span per command, with the database and server as tags.</summary>
    public const string MySqlConnectorSource = "MySqlConnector";

    public static IServiceCollection AddGoFlowObservability(this IServiceCollection services, IConfiguration configuration)
    {
        var serviceName = configuration[ServiceNameVariable] is { Length: > 0 } configured ? configured : DefaultServiceName;
        var openTelemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddMeter(EngineTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(EngineTelemetry.Name)
                .AddSource(MySqlConnectorSource)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbeOrScrape(context.Request.Path)));

        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]))
        {
            // UseOtlpExporter reads the endpoint, protocol and headers from the standard OTEL_EXPORTER_OTLP_* variables.
            // Logs go too, with the scope (workflow id, task id, attempt) as attributes.
            openTelemetry
                .WithLogging(configureBuilder: null, configureOptions: options =>
                {
                    options.IncludeScopes = true;
                    options.IncludeFormattedMessage = true;
                })
                .UseOtlpExporter();
        }

        return services;
    }

    /// <summary>Serves the metrics in the Prometheus text format at <see cref="MetricsPath"/>, behind the API keys.</summary>
    public static IEndpointRouteBuilder MapGoFlowMetrics(this IEndpointRouteBuilder endpoints)
    {
        // A scrape is not an API request: it would only add its own duration to the HTTP metrics it serves. The
        // exporter maps every method; a read answers GET and HEAD only, anything else a 405 with Allow.
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath)
            .DisableHttpMetrics()
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
        return endpoints;
    }

    /// <summary>Probes and scrapes come every few seconds and are no one's request: they start no trace.</summary>
    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase);
}
