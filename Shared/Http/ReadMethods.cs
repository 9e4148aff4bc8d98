using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GoFlow.Adapters.Routing;

/// <summary>
/// The methods of a route that only reads: GET, and HEAD, which HTTP requires wherever GET is allowed (RFC 9110
/// section 9.3.2). Any other method gets a 405 problem with <c>Allow: GET, HEAD</c>.
/// </summary>
/// <remarks>
/// Both HTTP adapters (the REST API and the dashboard) map reads, so this one source file is compiled into each of them
/// (a <c>Compile Link</c> in their .csproj), as Shared/Sql is into the SQL adapters: no project and no reference.
/// </remarks>
internal static class ReadMethods
{
    public static readonly IReadOnlyList<string> Methods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>Limits an endpoint mapped for every method (a health check, say) or for GET alone to GET and HEAD.</summary>
    public static TBuilder AnswersGetAndHead<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new HttpMethodMetadata(Methods));
}
