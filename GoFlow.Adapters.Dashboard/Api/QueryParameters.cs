using Microsoft.AspNetCore.Http;

namespace GoFlow.Adapters.Dashboard.Api;

/// <summary>
/// The rule every dashboard read holds its query string to (ADR 0013): it names the parameters it reads, and a name it
/// does not read, or one of its own sent more than once, is refused with the 400 problem its bad values get, naming the
/// parameter. A misspelt filter (<c>statuss=FAILED</c>) would otherwise be answered as if nothing were asked for, and
/// the binder joins a repeated value with a comma (<c>workflow_name=a,b</c>, <c>q=a,b</c>): a valid and wrong value.
/// Only the page calls these reads and it sends only their own names, so the strictness costs no client; the REST API
/// keeps ignoring unknown names (ADR 0013 says why).
/// </summary>
internal static class QueryParameters
{
    /// <summary>
    /// The most refused names one answer lists: a target of 8 KiB holds thousands of names, and an answer naming each
    /// with its reason would be fifty times the request.
    /// </summary>
    public const int MaxRefused = 10;

    private const string InvalidParameters = "The query's parameters are not valid.";

    /// <summary>
    /// The reasons, keyed by the name as sent, to refuse <paramref name="query"/> for a read of <paramref name="reads"/>
    /// before its values are read. Names are matched as the binder matches them, ignoring case. Empty when the names
    /// are fine; at most <see cref="MaxRefused"/> are named.
    /// </summary>
    public static Dictionary<string, string[]> Refused(IQueryCollection query, IReadOnlyList<string> reads)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (name, values) in query)
        {
            if (errors.Count == MaxRefused)
            {
                break;
            }

            if (!reads.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                errors[name] = [reads.Count == 0
                    ? "This read takes no query parameters."
                    : $"This read takes no parameter of this name; it reads {string.Join(", ", reads)}."];
            }
            else if (values.Count > 1)
            {
                errors[name] = [$"Send one {name} parameter, not several."];
            }
        }

        return errors;
    }

    /// <summary>
    /// An endpoint filter holding a read's query string to <see cref="Refused"/> before the read runs: the read names
    /// the parameters it binds here, and nothing else is accepted.
    /// </summary>
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Only(params IReadOnlyList<string> reads) =>
        (context, next) => Refused(context.HttpContext.Request.Query, reads) is { Count: > 0 } refused
            ? ValueTask.FromResult<object?>(TypedResults.ValidationProblem(refused, title: InvalidParameters))
            : next(context);
}
