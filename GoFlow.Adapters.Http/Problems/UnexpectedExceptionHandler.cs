using System.Diagnostics;
using System.Globalization;
using GoFlow.Ports.Driven;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace GoFlow.Adapters.Http.Problems;

/// <summary>
/// The one place an exception becomes an answer. A client that left (reset its connection halfway through its
/// request) gets no answer and is no server error: 499, logged at debug level. A <see cref="BadHttpRequestException"/>
/// is the client's fault (a body over the size limit, a request the server could not read) and keeps its status code,
/// with the server's reason worded for the client; a <see cref="PayloadTooLargeForStoreException"/> is a 413; a
/// <see cref="StoreUnavailableException"/> is a 503 with <c>Retry-After</c>; anything else is a 500 whose body says only
/// that something failed and the trace id to quote. The full exception goes to the log, never to the client: no stack
/// trace, SQL text, connection string or server setting leaves the server.
/// </summary>
internal sealed partial class UnexpectedExceptionHandler(
    IProblemDetailsService problemDetailsService,
    IOptions<HttpJsonOptions> jsonOptions,
    ILogger<UnexpectedExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>A hint for clients and proxies; a restarting database is usually back within seconds.</summary>
    private const string RetryAfterSeconds = "5";

    // ASP.NET Core names the problem's trace id member through the JSON naming policy ("trace_id" under snake_case);
    // the same name is used here so that the id logged below is the one the client sees, under one member.
    private readonly string _traceIdMember =
        jsonOptions.Value.SerializerOptions.PropertyNamingPolicy?.ConvertName("traceId") ?? "traceId";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var traceId = Activity.Current?.Id ?? httpContext.TraceIdentifier;
        if (ClientLeft(httpContext, exception))
        {
            // Nobody is left to read an answer, and the server did nothing wrong: no error, no 5xx in the metrics.
            LogClientLeft(logger, httpContext.Request.Method, httpContext.Request.Path, traceId, exception.Message);
            httpContext.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            return true;
        }

        ProblemDetails problem;
        if (exception is BadHttpRequestException badRequest)
        {
            LogBadRequest(logger, badRequest.StatusCode, httpContext.Request.Method, httpContext.Request.Path, traceId, badRequest.Message);
            problem = new ProblemDetails
            {
                Status = badRequest.StatusCode,
                Title = ReasonPhrases.GetReasonPhrase(badRequest.StatusCode),
                // The server's message names its own settings (MinRequestBodyDataRate, say); it goes to the log only.
                Detail = ClientWording(httpContext, badRequest.StatusCode),
            };
        }
        else if (exception is PayloadTooLargeForStoreException)
        {
            LogBadRequest(
                logger, StatusCodes.Status413PayloadTooLarge, httpContext.Request.Method, httpContext.Request.Path, traceId, exception.Message);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Payload too large",
                Detail = "The request's payload is too large for the workflow store to record. Send a smaller one.",
            };
        }
        else if (exception is StoreUnavailableException)
        {
            // Temporary by the port's contract (the database is down or restarting): the client may try again.
            LogStoreUnavailable(logger, exception, httpContext.Request.Method, httpContext.Request.Path, traceId);
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = "The workflow store cannot be reached right now. Try again shortly.",
            };
        }
        else
        {
            LogUnexpected(logger, exception, httpContext.Request.Method, httpContext.Request.Path, traceId);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "An unexpected error occurred",
                Detail = "The server could not complete the request. Quote its trace id when reporting the problem.",
            };
        }

        problem.Extensions[_traceIdMember] = traceId;
        httpContext.Response.StatusCode = problem.Status.Value;

        // The exception is deliberately not passed on in the context: nothing downstream may render it. Some writer
        // always accepts (ProblemJsonWriter), whatever the client's Accept header says.
        await problemDetailsService.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
        });

        return true;
    }

    /// <summary>
    /// Whether the exception only says that the client went away: its connection was reset, or the request was
    /// aborted and the exception is what reading or writing on it threw.
    /// </summary>
    private static bool ClientLeft(HttpContext httpContext, Exception exception) =>
        exception is ConnectionResetException
        || (exception is IOException or OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested);

    private static string ClientWording(HttpContext httpContext, int statusCode) => statusCode switch
    {
        StatusCodes.Status408RequestTimeout => "The request arrived too slowly; the server stopped waiting for it.",
        StatusCodes.Status413PayloadTooLarge =>
            httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit
                ? string.Create(CultureInfo.InvariantCulture, $"The request body is larger than {limit} bytes.")
                : "The request body is larger than the server accepts.",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "The request's headers are larger than the server accepts.",
        _ => "The request could not be read as HTTP: its framing, headers or body are malformed.",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "The client left before {Method} {Path} was answered (trace id {TraceId}): {Reason}")]
    private static partial void LogClientLeft(ILogger logger, string method, string path, string traceId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception answering {Method} {Path} (trace id {TraceId})")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path, string traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store is unavailable answering {Method} {Path} (trace id {TraceId})")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception, string method, string path, string traceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a bad request ({StatusCode}) to {Method} {Path} (trace id {TraceId}): {Reason}")]
    private static partial void LogBadRequest(ILogger logger, int statusCode, string method, string path, string traceId, string reason);
}
