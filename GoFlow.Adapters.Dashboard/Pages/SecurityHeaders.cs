using Microsoft.AspNetCore.Http;

namespace GoFlow.Adapters.Dashboard.Pages;

/// <summary>The headers every dashboard answer carries.</summary>
internal static class SecurityHeaders
{
    /// <summary>
    /// Scripts, styles and requests from this origin only, no inline script or style, no plug-ins, no framing, no
    /// <c>&lt;base&gt;</c>; forms may post only here. A payload that slipped into the page as markup still could not run.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static void Apply(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        // The pages are small and change with each release: always revalidated, never stale after an upgrade.
        response.Headers.CacheControl = "no-cache";
    }

    /// <summary>An endpoint filter that adds the headers to every answer of a group.</summary>
    public static async ValueTask<object?> AddAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        Apply(context.HttpContext.Response);
        return await next(context);
    }
}
