using System.Diagnostics;
using GoFlow.Ports.Driven;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace GoFlow.Adapters.Http.Problems;

/// <summary>
/// The one place an exception becomes an answer. A <see cref="BadHttpRequestException"/> is the client's fault
/// (a body over the size limit, a request the server could not read) and keeps its status code; a
/// <see cref="StoreUnavailableException"/> is a 503 with <c>Retry-After</c>; anything else is a 500 whose body says only
/// that something failed and the trace id to quote. The full exception goes to the log, never to the client: no stack
/// trace, SQL text or connection string leaves the server.
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
        ProblemDetails problem;
        if (exception is BadHttpRequestException badRequest)
        {
            LogBadRequest(logger, badRequest.StatusCode, httpContext.Request.Method, httpContext.Request.Path, traceId, badRequest.Message);
            problem = new ProblemDetails
            {
                Status = badRequest.StatusCode,
                Title = ReasonPhrases.GetReasonPhrase(badRequest.StatusCode),
                // The server's own wording about the request (for example the size limit), never internals.
                Detail = badRequest.Message,
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

        // The exception is deliberately not passed on in the context: nothing downstream may render it.
        var written = await problemDetailsService.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
        });
        if (!written)
        {
            // No writer accepted the client's Accept header; the answer is still a problem document.
            await httpContext.Response.WriteAsJsonAsync(
                problem, jsonOptions.Value.SerializerOptions, "application/problem+json", cancellationToken);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception answering {Method} {Path} (trace id {TraceId})")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path, string traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store is unavailable answering {Method} {Path} (trace id {TraceId})")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception, string method, string path, string traceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a bad request ({StatusCode}) to {Method} {Path} (trace id {TraceId}): {Reason}")]
    private static partial void LogBadRequest(ILogger logger, int statusCode, string method, string path, string traceId, string reason);
}
