using GoFlow.Adapters.Http.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace GoFlow.Adapters.Http.Security;

/// <summary>
/// When API keys are configured, lets a request through only with <c>Authorization: Bearer &lt;key&gt;</c> naming one of
/// them, except the health checks and endpoints marked <see cref="IAllowAnonymous"/> (<c>.AllowAnonymous()</c>: the
/// dashboard's static page, which holds no data; routing has matched the endpoint before this runs); anything else gets a 401 problem with <c>WWW-Authenticate: Bearer</c>. It runs
/// before any endpoint, so unknown routes and wrong methods get 401 too: an anonymous caller learns nothing about
/// the API.
/// </summary>
/// <remarks>
/// Neither the header nor the key is ever logged; a refusal is logged with its reason only.
/// </remarks>
internal sealed partial class ApiKeyMiddleware(
    RequestDelegate next,
    ApiKeys keys,
    IProblemDetailsService problemDetailsService,
    ILogger<ApiKeyMiddleware> logger)
{
    /// <summary>The health checks live at and below this path and never need a key: probes carry no secrets.</summary>
    public const string HealthPathPrefix = "/health";

    private const string BearerPrefix = "Bearer ";
    private const string BearerChallenge = "Bearer realm=\"GoFlow\"";
    private const string InvalidKeyChallenge = BearerChallenge + ", error=\"invalid_token\"";

    /// <summary>
    /// Whether <paramref name="path"/> is a health check: <c>/health</c> itself or a path below it, whole segments only
    /// (<c>/healthz</c> and <c>/health-report</c> are not), case-insensitive like routing.
    /// </summary>
    public static bool IsExempt(PathString path) =>
        path.StartsWithSegments(HealthPathPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this middleware let <paramref name="context"/>'s request through on a configured key it presented.</summary>
    public static bool AcceptedAKey(HttpContext context) => context.Items.ContainsKey(KeyAccepted);

    // The mark AcceptedAKey looks for: an object of this class's own, so no other code can set it by name.
    private static readonly object KeyAccepted = new();

    public async Task InvokeAsync(HttpContext context)
    {
        if (!keys.AreRequired
            || IsExempt(context.Request.Path)
            || context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            await next(context);
            return;
        }

        var refusal = Check(context.Request.Headers.Authorization);
        if (refusal is null)
        {
            context.Items[KeyAccepted] = true;
            await next(context);
            return;
        }

        LogRefused(logger, context.Request.Method, context.Request.Path, refusal.Reason);
        await RefuseAsync(context, refusal);
    }

    private Refusal? Check(StringValues authorization)
    {
        if (authorization.Count == 0)
        {
            return Refusal.NoKey;
        }

        var value = authorization.Count == 1 ? authorization[0] : null;
        if (value is null || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Refusal.NotBearer;
        }

        var presented = value[BearerPrefix.Length..].Trim();
        if (presented.Length == 0)
        {
            return Refusal.NoKey;
        }

        return keys.Accepts(presented) ? null : Refusal.WrongKey;
    }

    private Task RefuseAsync(HttpContext context, Refusal refusal)
    {
        context.Response.Headers.WWWAuthenticate = refusal.Challenge;
        return ProblemAnswer.WriteAsync(
            problemDetailsService, context, StatusCodes.Status401Unauthorized, "Unauthorized", refusal.Detail);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Method} {Path} with 401: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason);

    private sealed record Refusal(string Reason, string Detail, string Challenge)
    {
        public static readonly Refusal NoKey = new(
            "no API key",
            "This API needs an API key: send it as 'Authorization: Bearer <key>'.",
            BearerChallenge);

        public static readonly Refusal NotBearer = new(
            "an Authorization header that is not one Bearer credential",
            "Send the API key as 'Authorization: Bearer <key>', in one Authorization header.",
            BearerChallenge);

        public static readonly Refusal WrongKey = new(
            "an API key that is not configured",
            "The API key is not valid.",
            InvalidKeyChallenge);
    }
}
