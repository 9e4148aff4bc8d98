using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace GoFlow.Adapters.Http.Problems;

/// <summary>
/// The one place that maps a status code to its problem <c>type</c>, for every status GoFlow answers with a problem.
/// ASP.NET Core's own writer gives the RFC 9110 types itself, but its list lacks 431 (RFC 6585), and its writer declines
/// a client that accepts no JSON (<see cref="ProblemJsonWriter"/> writes for that one, without ASP.NET Core's list). Both
/// writers run this through <see cref="Microsoft.AspNetCore.Http.ProblemDetailsOptions.CustomizeProblemDetails"/>, so a
/// problem has one type whoever writes it and whatever the client accepts. The URIs of the statuses ASP.NET Core knows are its own
/// spelling; a test holds them to what its writer writes.
/// </summary>
internal static class ProblemTypes
{
    private const string Rfc9110 = "https://tools.ietf.org/html/rfc9110#section-";

    public static readonly FrozenDictionary<int, string> ByStatus = new Dictionary<int, string>
    {
        [StatusCodes.Status400BadRequest] = Rfc9110 + "15.5.1",
        [StatusCodes.Status401Unauthorized] = Rfc9110 + "15.5.2",
        [StatusCodes.Status403Forbidden] = Rfc9110 + "15.5.4",
        [StatusCodes.Status404NotFound] = Rfc9110 + "15.5.5",
        [StatusCodes.Status405MethodNotAllowed] = Rfc9110 + "15.5.6",
        [StatusCodes.Status408RequestTimeout] = Rfc9110 + "15.5.9",
        [StatusCodes.Status409Conflict] = Rfc9110 + "15.5.10",
        [StatusCodes.Status413PayloadTooLarge] = Rfc9110 + "15.5.14",
        [StatusCodes.Status414UriTooLong] = Rfc9110 + "15.5.15",
        [StatusCodes.Status415UnsupportedMediaType] = Rfc9110 + "15.5.16",
        [StatusCodes.Status422UnprocessableEntity] = "https://tools.ietf.org/html/rfc4918#section-11.2",
        [StatusCodes.Status431RequestHeaderFieldsTooLarge] = "https://tools.ietf.org/html/rfc6585#section-5",
        [StatusCodes.Status500InternalServerError] = Rfc9110 + "15.6.1",
        [StatusCodes.Status503ServiceUnavailable] = Rfc9110 + "15.6.4",
    }.ToFrozenDictionary();

    /// <summary>Gives the problem its status's type, unless whoever made it chose one.</summary>
    public static void Apply(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        if (problem.Type is null && ByStatus.TryGetValue(status, out var type))
        {
            problem.Type = type;
        }
    }
}
