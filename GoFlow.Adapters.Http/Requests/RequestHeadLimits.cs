using System.Globalization;
using System.Text;
using GoFlow.Adapters.Http.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Http.Requests;

/// <summary>
/// GoFlow's limits on the request target and the header section (<see cref="ApiOptions.MaxRequestTargetBytes"/>,
/// <see cref="ApiOptions.MaxRequestHeadersBytes"/>, <see cref="ApiOptions.MaxRequestHeaderCount"/>), answered with a 414
/// or 431 problem. Kestrel enforces limits of its own while it parses, and answers them itself with an empty body before
/// any middleware runs (it has no hook for that answer); <see cref="KestrelParserLimits"/> therefore sets its limits to
/// <see cref="ApiOptions.ServerLimitFactor"/> times these, so that a request a little over a limit reaches this check
/// and gets a problem, and only a request far over it gets Kestrel's bare answer (ADR 0016).
/// </summary>
/// <remarks>It runs before the API key check, as Kestrel's own limits did: a too-large request is refused whoever sends it.</remarks>
internal sealed partial class RequestHeadLimits(
    RequestDelegate next,
    IOptions<ApiOptions> options,
    IProblemDetailsService problemDetailsService,
    ILogger<RequestHeadLimits> logger)
{
    /// <summary>What <see cref="ApiOptions.MaxRequestHeadersBytes"/> counts for each field besides its name and value: ": " and CRLF.</summary>
    public const int FieldFramingBytes = 4;

    public Task InvokeAsync(HttpContext context)
    {
        var limits = options.Value;
        if (TargetBytes(context) > limits.MaxRequestTargetBytes)
        {
            return RefuseAsync(
                context,
                StatusCodes.Status414UriTooLong,
                "Request target too long",
                string.Create(CultureInfo.InvariantCulture,
                    $"The request's path and query are longer than {limits.MaxRequestTargetBytes} bytes."));
        }

        var (count, bytes) = Measure(context.Request.Headers);
        if (count > limits.MaxRequestHeaderCount || bytes > limits.MaxRequestHeadersBytes)
        {
            return RefuseAsync(
                context,
                StatusCodes.Status431RequestHeaderFieldsTooLarge,
                "Request headers too large",
                string.Create(CultureInfo.InvariantCulture,
                    $"The request has {count} header fields of {bytes} bytes; at most {limits.MaxRequestHeaderCount} fields " +
                    $"of {limits.MaxRequestHeadersBytes} bytes in all are accepted."));
        }

        return next(context);
    }

    /// <summary>The target as the client sent it, in bytes (the server's decoded path would hide its escapes).</summary>
    private static int TargetBytes(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            raw = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        }

        return Encoding.UTF8.GetByteCount(raw);
    }

    private static (int Count, long Bytes) Measure(IHeaderDictionary headers)
    {
        var count = 0;
        long bytes = 0;
        foreach (var (name, values) in headers)
        {
            // A field sent twice is one entry with two values: each was a line of its own. The limit is in bytes and
            // Kestrel decodes header values as UTF-8, so a value is counted as its UTF-8 bytes, not its characters
            // (which would count "é" as one byte of the two sent).
            var nameBytes = Encoding.UTF8.GetByteCount(name);
            foreach (var value in values)
            {
                count++;
                bytes += nameBytes + Encoding.UTF8.GetByteCount(value ?? string.Empty) + FieldFramingBytes;
            }
        }

        return (count, bytes);
    }

    private Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        LogRefused(logger, status, context.Request.Method, detail);
        return ProblemAnswer.WriteAsync(problemDetailsService, context, status, title, detail);
    }

    // The path is not logged: it is what was too long.
    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a {Method} request with {StatusCode}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int statusCode, string method, string reason);
}
