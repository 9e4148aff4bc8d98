using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace GoFlow.Adapters.Http.Apis;

/// <summary>
/// 200 OK with a JSON body and a <c>Location</c> header: the answer to a repeated idempotent start, which points at the
/// workflow the first request created just as that request's 201 did. ASP.NET Core's typed results pair a Location only
/// with 201 and 202.
/// </summary>
internal sealed class OkWithLocation<TValue>(string location, TValue value)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<TValue>, IEndpointMetadataProvider
{
    public string Location { get; } = location;

    public TValue Value { get; } = value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    object? IValueHttpResult.Value => Value;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);

        httpContext.Response.Headers.Location = Location;

        // The body is written exactly as TypedResults.Ok writes it, with the API's JSON options.
        return TypedResults.Ok(Value).ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TValue), ["application/json"]));
    }
}
