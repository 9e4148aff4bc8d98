using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Http.Security;

/// <summary>
/// Applies <see cref="ListenAddressPolicy"/> to the addresses the server is about to listen on, before it listens.
/// </summary>
/// <remarks>
/// ASP.NET Core fills the server's address list from every place an address can be given (<c>urls</c> in any
/// configuration source, so <c>--urls</c> and ASPNETCORE_URLS too; <c>UseUrls</c>, which is how SERVER_HOST and
/// SERVER_PORT arrive; ASPNETCORE_HTTP_PORTS) and then builds the request pipeline, running the startup filters,
/// before it starts the server. A filter therefore sees the final list while nothing is bound yet, and an exception
/// here stops the host. Kestrel endpoints given in configuration (<c>Kestrel:Endpoints:*:Url</c>) replace that list,
/// so they are checked too. Endpoints opened in code with <c>Listen(...)</c> are the one route around this check.
/// </remarks>
internal sealed partial class ListenAddressGuard(
    IOptions<ApiOptions> options,
    IConfiguration configuration,
    ILogger<ListenAddressGuard> logger) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var addresses = ListenAddresses(app);
        switch (ListenAddressPolicy.Decide(addresses, options.Value))
        {
            case ListenDecision.Refuse refuse:
                throw new InvalidOperationException(refuse.Message);
            case ListenDecision.ServeWithWarning warning:
                LogWarning(logger, warning.Message);
                break;
        }

        next(app);
    };

    private List<string> ListenAddresses(IApplicationBuilder app)
    {
        var addresses = app.ServerFeatures.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var kestrelEndpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(endpoint => endpoint["Url"])
            .OfType<string>()
            .Where(url => url.Length > 0);
        return [.. addresses, .. kestrelEndpoints];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogWarning(ILogger logger, string message);
}
