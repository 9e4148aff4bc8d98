using System.Net;
using Microsoft.AspNetCore.Http;

namespace GoFlow.Adapters.Http.Security;

/// <summary>
/// The safe default, as a pure function: without API keys the API is served on loopback addresses only, unless
/// anonymous access from the network is switched on explicitly.
/// </summary>
internal static class ListenAddressPolicy
{
    /// <summary>
    /// Whether a server address (<c>http://127.0.0.1:8080</c>, <c>http://+:80</c>, ...) can only be reached from this
    /// machine: <c>localhost</c>, an address in 127.0.0.0/8, <c>[::1]</c>, or a Unix socket or named pipe. Anything
    /// else, including <c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>, another IP address and any host name (on which
    /// Kestrel listens on every interface), can be reached from the network; so can an address that does not parse.
    /// </summary>
    public static bool IsLoopback(string address)
    {
        BindingAddress parsed;
        try
        {
            parsed = BindingAddress.Parse(address.Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        if (parsed.IsUnixPipe || parsed.IsNamedPipe)
        {
            return true;
        }

        // Kestrel's own rule: exactly "localhost" means the loopback interfaces; any other name means all interfaces.
        if (parsed.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var host = parsed.Host.StartsWith('[') && parsed.Host.EndsWith(']') ? parsed.Host[1..^1] : parsed.Host;
        if (!IPAddress.TryParse(host, out var ip))
        {
            return false;
        }

        return IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
    }

    /// <summary>What the host does with <paramref name="addresses"/>, given the API's keys and its anonymous switch.</summary>
    public static ListenDecision Decide(IReadOnlyCollection<string> addresses, ApiOptions options)
    {
        var exposed = addresses.Where(address => !IsLoopback(address)).ToList();
        var listening = addresses.Count == 0 ? "the server's default address" : string.Join(", ", addresses);

        if (options.Keys.Count > 0)
        {
            return options.AllowAnonymous
                ? new ListenDecision.ServeWithWarning(
                    $"{ApiOptions.SectionName}:AllowAnonymous is true but is ignored: API keys are configured, so every " +
                    $"request except the health checks needs one. Remove {ApiOptions.SectionName}:AllowAnonymous to " +
                    "silence this warning.")
                : new ListenDecision.Serve();
        }

        if (exposed.Count == 0)
        {
            return options.AllowAnonymous
                ? new ListenDecision.ServeWithWarning(
                    $"{ApiOptions.SectionName}:AllowAnonymous is true and no API key is configured: requests are not " +
                    $"authenticated. The API listens on {listening}, which only this machine can reach.")
                : new ListenDecision.Serve();
        }

        if (options.AllowAnonymous)
        {
            return new ListenDecision.ServeWithWarning(
                $"The API serves WITHOUT authentication on {string.Join(", ", exposed)}, which the network can reach " +
                $"({ApiOptions.SectionName}:AllowAnonymous is true and no API key is configured): anyone who can reach " +
                $"it can start workflows and read their data. Configure {ApiOptions.SectionName}:Keys to require a key.");
        }

        return new ListenDecision.Refuse(
            $"GoFlow will not listen on {string.Join(", ", exposed)} without API keys: anyone who can reach that " +
            "address could start workflows and read their data. Either configure at least one key " +
            $"({ApiOptions.SectionName}:Keys, e.g. the environment variable {ApiOptions.SectionName}__Keys__0), " +
            "or listen on a loopback address only (SERVER_HOST=localhost, the default), " +
            $"or accept anonymous calls from the network explicitly with {ApiOptions.SectionName}:AllowAnonymous=true.");
    }
}

/// <summary>What <see cref="ListenAddressPolicy.Decide"/> came to.</summary>
internal abstract record ListenDecision
{
    private ListenDecision()
    {
    }

    public sealed record Serve : ListenDecision;

    /// <summary>Serve, and log <paramref name="Message"/> as a warning at every start.</summary>
    public sealed record ServeWithWarning(string Message) : ListenDecision;

    /// <summary>Do not start; <paramref name="Message"/> says why and what to change.</summary>
    public sealed record Refuse(string Message) : ListenDecision;
}
