using System.Text.Json;
using System.Text.Json.Serialization;
using GoFlow.Adapters.Http.Apis;
using GoFlow.Adapters.Http.Health;
using GoFlow.Adapters.Http.Load;
using GoFlow.Adapters.Http.OpenApi;
using GoFlow.Adapters.Http.Problems;
using GoFlow.Adapters.Http.Requests;
using GoFlow.Adapters.Http.Security;
using GoFlow.Adapters.Routing;
using GoFlow.Ports.Driven;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Http;

/// <summary>The HTTP adapter's entry points: register it, put its middleware in the pipeline, map its routes.</summary>
public static class HttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers problem details (RFC 9457) for every error answer, the exception handler that turns unexpected
    /// exceptions into a 500 problem without internals, and snake_case JSON for the endpoints.
    /// Binds and validates <see cref="ApiOptions"/> from the <c>Api</c> section (a bad value stops the host at start),
    /// registers the API key check that <see cref="UseGoFlowHttp"/> puts in the pipeline, and the start-up check that
    /// refuses to listen beyond loopback without keys (see <see cref="ApiOptions.AllowAnonymous"/>).
    /// Registers the OpenAPI document that <see cref="MapWorkflowEndpoints"/> serves.
    /// The driving ports (<c>IStartWorkflow</c>, <c>IGetWorkflow</c>, ...) are registered by the application.
    /// </summary>
    public static IServiceCollection AddGoFlowHttp(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>());
        services.TryAddSingleton(provider => new ApiKeys(provider.GetRequiredService<IOptions<ApiOptions>>().Value.Keys));
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, ListenAddressGuard>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<KestrelServerOptions>, KestrelParserLimits>());

        // A worker in this process asks it how busy the API is (ADR 0021); the application's default says "not at all".
        services.TryAddSingleton<ApiRequestsInFlight>();
        services.Replace(ServiceDescriptor.Singleton<IApiLoad>(provider => provider.GetRequiredService<ApiRequestsInFlight>()));

        // The probes' service; each adapter adds its own checks (tagged "ready" for the readiness probe).
        services.AddHealthChecks();

        // Wrapped around the host's own customisation after it is configured, not added to it: a host that sets
        // CustomizeProblemDetails (as ASP.NET Core's docs show) would otherwise drop the types of GoFlow's problems.
        services.AddProblemDetails();
        services.PostConfigure<ProblemDetailsOptions>(options =>
        {
            var hosts = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = context =>
            {
                ProblemTypes.Apply(context);
                hosts?.Invoke(context);
            };
        });
        // After ASP.NET Core's writer, for the clients that one declines: every error answer is problem+json.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProblemDetailsWriter, ProblemJsonWriter>());
        services.AddExceptionHandler<UnexpectedExceptionHandler>();
        services.AddOpenApi(GoFlowOpenApi.DocumentName, GoFlowOpenApi.Configure);
        services.ConfigureHttpJsonOptions(options =>
        {
            // Problem documents keep their RFC member names (ProblemDetails names them itself) and the errors' keys
            // stay the request's field names; ASP.NET Core spells the trace id member through this policy: trace_id.
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;

            // Numbers are written as numbers, and no body is bound through these options (POST /workflows is read by
            // hand), so the web default of also reading numbers from strings would only make the OpenAPI schemas
            // describe every integer as "integer or string".
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });

        return services;
    }

    /// <summary>
    /// Counts the requests in flight (<c>IApiLoad</c>, which a worker in this process reads), then adds the exception
    /// handler and status-code pages, so that unexpected errors, unknown routes (404) and wrong methods (405) all answer
    /// as <c>application/problem+json</c>, then the limits on the request target and headers (<see cref="ApiOptions"/>:
    /// 414 or 431), then the API key check, which (when keys are configured) answers 401 to every request without a valid
    /// key except the health checks, <c>/health</c> and below, then the refusal of a change a browser sends for a page of
    /// another site (403: cross-site request forgery, ADR 0008), then the refusal of a body sent to an endpoint that takes
    /// none (<see cref="MapGroupTakingNoBody"/>: 400). Call it before mapping endpoints, and after routing has chosen the
    /// endpoint: a <c>WebApplication</c> routes first unless the application calls <c>UseRouting()</c> itself, which must
    /// then come before this call, or the body rule finds no endpoint to ask and lets every body through.
    /// </summary>
    public static IApplicationBuilder UseGoFlowHttp(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.Use(app.ApplicationServices.GetRequiredService<ApiRequestsInFlight>().CountAsync);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestHeadLimits>();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseMiddleware<CrossSiteWriteRefusal>();
        app.UseMiddleware<UnexpectedBodyRefusal>();

        return app;
    }

    /// <summary>
    /// Maps the probes: <c>GET /health/live</c> (no check: the process answers) and <c>GET /health/ready</c> (the
    /// health checks registered with the tag <c>ready</c>: the store's and the worker's), each a JSON report,
    /// <c>{"status": "Healthy", "checks": [{"name", "status", "description"}]}</c>, with 200 when healthy and 503
    /// otherwise. They need no API key.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        return HealthEndpoints.MapHealthEndpoints(endpoints);
    }

    /// <summary>
    /// Maps /workflows, /workflow-definitions, /schedules and the OpenAPI document at /openapi/v1.json. Only
    /// <c>POST /workflows</c> and <c>POST /workflows/{id}/signals/{name}</c> take a body; every other route refuses one
    /// (<see cref="MapGroupTakingNoBody"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapWorkflowEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // One group for the whole API, so that a route added to it later refuses a body unless it declares one.
        var api = endpoints.MapGroupTakingNoBody();
        api.MapWorkflowsApi();
        api.MapSignalsApi();
        api.MapWorkflowDefinitionsApi();
        api.MapSchedulesApi();

        // The API's own description, behind the API keys like every route outside /health.
        api.MapOpenApi(GoFlowOpenApi.DocumentPath).AnswersGetAndHead();

        return endpoints;
    }

    /// <summary>
    /// Maps a group, with no prefix of its own, whose routes take no request body: a request to one of them with content
    /// (a <c>Content-Length</c> above 0, or a <c>Transfer-Encoding</c>) gets a 400 problem from the middleware that
    /// <see cref="UseGoFlowHttp"/> adds and reaches no handler; an empty body (<c>Content-Length: 0</c>) passes. GoFlow
    /// maps its own routes in such groups, so a route added to one refuses a body unless it declares one; an
    /// application can hold its own routes to the same rule by mapping them in one.
    /// </summary>
    public static RouteGroupBuilder MapGroupTakingNoBody(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        return endpoints.MapGroup(string.Empty).WithMetadata(RequestBodyMetadata.None);
    }
}
