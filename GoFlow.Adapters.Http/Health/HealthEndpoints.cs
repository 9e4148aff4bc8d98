using GoFlow.Adapters.Http.Apis;
using GoFlow.Adapters.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GoFlow.Adapters.Http.Health;

/// <summary>
/// The probes: <c>/health/live</c> runs no check (the process answers, so it is alive) and <c>/health/ready</c> runs the
/// checks the other adapters registered with the tag <see cref="ReadyTag"/> (the database reachable with its tables,
/// the worker loop running). Both answer GET and HEAD only, 200 when healthy, 503 otherwise. They sit below <c>/health</c>, which the API
/// key check lets through: probes carry no secrets, and answer none.
/// </summary>
internal static class HealthEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>The tag that puts a check in the readiness probe; each adapter uses this string for its own checks.</summary>
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // A probe reads nothing: like every route of GoFlow's, it refuses a body rather than ignore one.
        var probes = endpoints.MapGroupTakingNoBody();
        probes.MapHealthChecks(LivePath, Options(_ => false)).WithName("Liveness").AnswersGetAndHead();
        probes.MapHealthChecks(ReadyPath, Options(check => check.Tags.Contains(ReadyTag)))
            .WithName("Readiness")
            .AnswersGetAndHead();
        return endpoints;
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = HealthReportWriter.WriteAsync,
        // A probe reads only the status code: anything short of healthy takes the host out of rotation.
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };
}
