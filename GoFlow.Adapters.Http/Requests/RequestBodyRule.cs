using GoFlow.Adapters.Http.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace GoFlow.Adapters.Http.Requests;

/// <summary>Whether an endpoint takes a request body: the last one in its metadata wins, so an endpoint overrides its group.</summary>
internal sealed class RequestBodyMetadata
{
    public static readonly RequestBodyMetadata None = new(accepted: false);
    public static readonly RequestBodyMetadata Json = new(accepted: true);

    private RequestBodyMetadata(bool accepted) => Accepted = accepted;

    public bool Accepted { get; }
}

/// <summary>
/// The endpoints that read a body declare it here. Every other endpoint of GoFlow's is in a group marked
/// <see cref="HttpServiceCollectionExtensions.MapGroupTakingNoBody"/>, so a new one refuses a body unless it says
/// otherwise. The declaration also describes the body in the OpenAPI document: the document and the rule cannot disagree.
/// </summary>
internal static class RequestBodyDeclaration
{
    /// <summary>An endpoint that reads a JSON body by hand, described in the OpenAPI document by <paramref name="describe"/>.</summary>
    public static RouteHandlerBuilder TakesJsonBody(
        this RouteHandlerBuilder builder,
        Func<OpenApiOperation, OpenApiOperationTransformerContext, CancellationToken, Task> describe) =>
        builder.WithMetadata(RequestBodyMetadata.Json).AddOpenApiOperationTransformer(describe);
}

/// <summary>
/// Refuses a request that carries content to an endpoint that takes none (<see cref="HttpServiceCollectionExtensions.MapGroupTakingNoBody"/>), with a
/// 400 problem, before the endpoint runs: a client that sends a body to POST /workflows/{id}/cancel means something by
/// it (a reason, an option), and dropping it silently would hide that client's mistake (ADR 0016). An empty body passes:
/// clients send <c>Content-Length: 0</c> with a POST that has none.
/// </summary>
internal sealed partial class UnexpectedBodyRefusal(
    RequestDelegate next,
    IProblemDetailsService problemDetailsService,
    ILogger<UnexpectedBodyRefusal> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint
            || endpoint.Metadata.GetMetadata<RequestBodyMetadata>() is not { Accepted: false }
            || !HasContent(context.Request))
        {
            return next(context);
        }

        // The route as mapped, not the path as sent: the answer quotes nothing the client wrote.
        var pattern = endpoint.RoutePattern.RawText?.TrimEnd('/') is { Length: > 0 } text ? text : "/";
        var route = $"{context.Request.Method} {pattern}";
        LogRefused(logger, route);

        // The body is not read, and the connection is not kept for another request: the server would otherwise read
        // and throw away whatever the client sends, up to the body size limit.
        // HTTP/2 and HTTP/3 forbid the header; there the server resets the request's stream instead.
        if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }

        return ProblemAnswer.WriteAsync(
            problemDetailsService,
            context,
            StatusCodes.Status400BadRequest,
            "Request body not accepted",
            $"{route} takes no request body; send it without one (no content, or Content-Length: 0). Nothing was changed.");
    }

    /// <summary>
    /// Whether the request declares content: a length above 0, or, without a length, a body the server will read (a
    /// chunked one on HTTP/1.1, a stream not ended with its headers on HTTP/2). It is judged from the headers alone,
    /// before a byte is read, so a chunked body that turns out empty is refused too.
    /// </summary>
    public static bool HasContent(HttpRequest request) =>
        request.ContentLength is { } length
            ? length > 0
            : request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
                ?? request.Headers.ContainsKey(HeaderNames.TransferEncoding);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Route} with 400: a request body where none is taken")]
    private static partial void LogRefused(ILogger logger, string route);
}
