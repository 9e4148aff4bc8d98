using GoFlow.Adapters.Http.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace GoFlow.Adapters.Http.Security;

/// <summary>
/// Refuses, with a 403 problem, a change that a browser sends for a page of another site: cross-site request forgery.
/// On a host without API keys (the loopback default) any page the operator's browser opens could otherwise cancel,
/// retry, pause, resume or trigger with a plain form or a <c>no-cors</c> fetch: those routes take no body, so no
/// content type forces a CORS preflight, and the answer need not be readable for the change to happen. Only unsafe
/// methods are judged; reads are left alone (a cross-site page cannot read their answers). Clients that are not
/// browsers send neither header this looks at, and pass. The rule is Go's <c>net/http.CrossOriginProtection</c>:
/// <c>Sec-Fetch-Site</c> decides when the browser sent it, else <c>Origin</c> must name the host the request was sent
/// to (ADR 0008). Two differences: TRACE is let through with the reads (no route answers it, and browsers cannot send
/// it), and so is a request that presented a configured API key (<see cref="ApiKeyMiddleware.AcceptedAKey"/>): a
/// browser attaches an Authorization header only when a page's script sets it, which for another origin takes a CORS
/// preflight that the host, or the application embedding GoFlow, chose to allow, and a page that holds the key is not
/// forging anyone's request.
/// </summary>
internal sealed partial class CrossSiteWriteRefusal(
    RequestDelegate next,
    IProblemDetailsService problemDetailsService,
    ILogger<CrossSiteWriteRefusal> logger)
{
    private const string SecFetchSite = "Sec-Fetch-Site";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || HttpMethods.IsTrace(request.Method) || ApiKeyMiddleware.AcceptedAKey(context) || !IsCrossSite(request))
        {
            return next(context);
        }

        LogRefused(logger, request.Method);
        return ProblemAnswer.WriteAsync(
            problemDetailsService,
            context,
            StatusCodes.Status403Forbidden,
            "Cross-site request refused",
            "A browser sent this change for a page of another site. GoFlow takes changes from its own pages and from " +
            "clients that are not browsers. Nothing was changed.");
    }

    /// <summary>Whether a browser says, or its Origin shows, that the request comes from a page of another origin.</summary>
    public static bool IsCrossSite(HttpRequest request)
    {
        // Set by the browser, never by a page's script: when it is there, it decides. Neither header can be set by a
        // page, and no browser sends one empty: an empty one counts as not sent.
        var site = request.Headers[SecFetchSite];
        if (!StringValues.IsNullOrEmpty(site))
        {
            return !(site.Count == 1 && (site[0] is "same-origin" or "none"));
        }

        // A browser too old to send Sec-Fetch-Site still sends Origin with a cross-origin POST. "null" (a sandboxed
        // frame, a data: URL) or anything that is not an origin is another site.
        var origin = request.Headers[HeaderNames.Origin];
        if (StringValues.IsNullOrEmpty(origin))
        {
            return false;
        }

        return origin.Count != 1
            || !Uri.TryCreate(origin[0], UriKind.Absolute, out var originUri)
            || !NamesTheHost(originUri, request.Host);
    }

    /// <summary>
    /// Whether <paramref name="origin"/> names <paramref name="host"/>: the same host, and the same port, a port left out
    /// on either side being the origin's scheme's default (<c>https://x</c> names <c>x:443</c>).
    /// </summary>
    private static bool NamesTheHost(Uri origin, HostString host) =>
        string.Equals(origin.Host, host.Host, StringComparison.OrdinalIgnoreCase)
        && (host.Port is { } port ? origin.Port == port : origin.IsDefaultPort);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a cross-site {Method} with 403")]
    private static partial void LogRefused(ILogger logger, string method);
}
