using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace GoFlow.Adapters.Http.Problems;

/// <summary>
/// Writes a problem as <c>application/problem+json</c> whatever the client's <c>Accept</c> says. It is registered after
/// ASP.NET Core's own writer, which declines a client that accepts no JSON (<c>Accept: text/html</c>): without this one,
/// such a client would get "Status Code: 404; Not Found" as plain text from the status-code pages. An error answer
/// has one shape for every client (RFC 9457 allows problem+json whatever was asked for), and it is customised as
/// ASP.NET Core's writer customises it (<see cref="ProblemDetailsOptions.CustomizeProblemDetails"/>: GoFlow's
/// <see cref="ProblemTypes"/>, and a host's own).
/// </summary>
internal sealed class ProblemJsonWriter(IOptions<HttpJsonOptions> jsonOptions, IOptions<ProblemDetailsOptions> problemOptions)
    : IProblemDetailsWriter
{
    public const string ContentType = "application/problem+json";

    // The trace id member as ASP.NET Core's writer names it, through the JSON naming policy ("trace_id").
    private readonly string _traceIdMember =
        jsonOptions.Value.SerializerOptions.PropertyNamingPolicy?.ConvertName("traceId") ?? "traceId";

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var httpContext = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= httpContext.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        problemOptions.Value.CustomizeProblemDetails?.Invoke(context);
        problem.Extensions.TryAdd(_traceIdMember, Activity.Current?.Id ?? httpContext.TraceIdentifier);
        // Written as the type it is: a validation problem (HttpValidationProblemDetails) written as its base type would
        // lose the errors that name the wrong fields.
        return new ValueTask(httpContext.Response.WriteAsJsonAsync(
            problem, problem.GetType(), jsonOptions.Value.SerializerOptions, ContentType, httpContext.RequestAborted));
    }
}
