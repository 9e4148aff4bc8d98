using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Http.Requests;

/// <summary>
/// Sets Kestrel's parser limits to <see cref="ApiOptions.ServerLimitFactor"/> times GoFlow's own (never lower than they
/// are configured), so that <see cref="RequestHeadLimits"/> sees, and answers with a problem, every request that is
/// only somewhat over a limit. Kestrel answers what breaks its limits itself, with an empty body.
/// </summary>
internal sealed class KestrelParserLimits(IOptions<ApiOptions> apiOptions) : IPostConfigureOptions<KestrelServerOptions>
{
    public void PostConfigure(string? name, KestrelServerOptions options)
    {
        var api = apiOptions.Value;
        var limits = options.Limits;

        // The request line is the method, the target and the version; a few bytes beyond the target are its frame.
        limits.MaxRequestLineSize = Math.Max(limits.MaxRequestLineSize, api.MaxRequestTargetBytes * ApiOptions.ServerLimitFactor);
        limits.MaxRequestHeadersTotalSize = Math.Max(
            limits.MaxRequestHeadersTotalSize, api.MaxRequestHeadersBytes * ApiOptions.ServerLimitFactor);
        limits.MaxRequestHeaderCount = Math.Max(limits.MaxRequestHeaderCount, api.MaxRequestHeaderCount * ApiOptions.ServerLimitFactor);

        // Kestrel refuses to start with a buffer smaller than a request line or a header section it allows.
        if (limits.MaxRequestBufferSize is { } buffer)
        {
            limits.MaxRequestBufferSize = Math.Max(buffer, Math.Max(limits.MaxRequestLineSize, limits.MaxRequestHeadersTotalSize));
        }
    }
}
