using GoFlow.Adapters.Http.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Adapters.Http.Tests.Support;

/// <summary>
/// Every route an app maps, read from its route table, as one request per route and method: a test driven by it covers
/// a route added later without being told.
/// </summary>
internal static class RouteTable
{
    public static IReadOnlyList<RouteRequest> Requests(IServiceProvider services, IReadOnlyDictionary<string, string> parameters)
    {
        var requests = new List<RouteRequest>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = Fill(endpoint.RoutePattern, parameters);
            var takesBody = endpoint.Metadata.GetMetadata<RequestBodyMetadata>()?.Accepted == true;

            // A route mapped without methods answers every one; GET stands for them.
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get];
            requests.AddRange(methods.Select(method => new RouteRequest(method, path, endpoint.RoutePattern.RawText ?? path, takesBody)));
        }

        return requests;
    }

    private static string Fill(RoutePattern pattern, IReadOnlyDictionary<string, string> parameters) =>
        "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => parameters.TryGetValue(parameter.Name, out var value)
                ? Uri.EscapeDataString(value)
                : throw new AssertionException($"No value for the route parameter {{{parameter.Name}}} of {pattern.RawText}."),
            RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new AssertionException($"Unexpected part in {pattern.RawText}."),
        }))));
}

/// <summary>A request to one route: its method, a path that matches it, its pattern, and whether it declares a body.</summary>
internal sealed record RouteRequest(string Method, string Path, string Pattern, bool TakesBody)
{
    public override string ToString() => $"{Method} {Pattern}";
}
