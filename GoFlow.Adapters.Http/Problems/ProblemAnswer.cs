using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace GoFlow.Adapters.Http.Problems;

/// <summary>A problem answer written by a middleware, before or instead of an endpoint.</summary>
internal static class ProblemAnswer
{
    public static async Task WriteAsync(
        IProblemDetailsService problemDetailsService, HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;

        // Some writer always accepts (ProblemJsonWriter), whatever the client's Accept header says.
        await problemDetailsService.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
