using System.Net;
using System.Text.Json.Nodes;

namespace GoFlow.Client;

/// <summary>
/// An RFC 9457 problem the API answered with: its status and members. The subclasses are the answers a caller
/// handles: <see cref="GoFlowValidationException"/> (400, 422), <see cref="GoFlowNotFoundException"/> (404),
/// <see cref="GoFlowConflictException"/> (409) and <see cref="GoFlowUnavailableException"/> (503).
/// </summary>
public class GoFlowProblemException : Exception
{
    public GoFlowProblemException(HttpStatusCode status, JsonObject problem)
        : base(Describe(status, problem))
    {
        Status = status;
        Problem = problem;
    }

    public HttpStatusCode Status { get; }

    /// <summary>The whole problem document, extension members included.</summary>
    public JsonObject Problem { get; }

    public string? Type => Text("type");

    public string? Title => Text("title");

    public string? Detail => Text("detail");

    public string? Instance => Text("instance");

    /// <summary>The trace id of the request, to find it in the server's logs.</summary>
    public string? TraceId => Text("trace_id") ?? Text("traceId");

    protected string? Text(string member) => Problem[member] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string Describe(HttpStatusCode status, JsonObject problem)
    {
        var title = problem["title"]?.ToString() ?? status.ToString();
        var detail = problem["detail"]?.ToString();
        return detail is null ? $"GoFlow answered {(int)status}: {title}" : $"GoFlow answered {(int)status}: {title}. {detail}";
    }
}

/// <summary>400 or 422: the request was refused; <see cref="Errors"/> says which field and why.</summary>
public sealed class GoFlowValidationException(HttpStatusCode status, JsonObject problem) : GoFlowProblemException(status, problem)
{
    /// <summary>The problem's <c>errors</c>: field name to its messages (empty when the problem has none).</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = ReadErrors(problem);

    private static Dictionary<string, string[]> ReadErrors(JsonObject problem)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (problem["errors"] is JsonObject members)
        {
            foreach (var (field, messages) in members)
            {
                errors[field] = messages is JsonArray array ? [.. array.Select(message => message?.ToString() ?? string.Empty)] : [];
            }
        }

        return errors;
    }
}

/// <summary>404: no such workflow.</summary>
public sealed class GoFlowNotFoundException(JsonObject problem) : GoFlowProblemException(HttpStatusCode.NotFound, problem);

/// <summary>409: the workflow's status does not allow the change; <see cref="WorkflowStatus"/> names it.</summary>
public sealed class GoFlowConflictException(JsonObject problem) : GoFlowProblemException(HttpStatusCode.Conflict, problem)
{
    public string? WorkflowStatus => Text("workflow_status");
}

/// <summary>503: the server's store could not be reached; try again after <see cref="RetryAfter"/>.</summary>
public sealed class GoFlowUnavailableException(JsonObject problem, TimeSpan? retryAfter)
    : GoFlowProblemException(HttpStatusCode.ServiceUnavailable, problem)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// The server answered with something the API does not describe: a success whose body is not the documented JSON (cut
/// short, of another shape, a proxy's page), or a list whose next cursor does not move on. <see cref="Status"/> is the
/// answer's status; <see cref="Exception.InnerException"/>, when there is one, says what could not be read.
/// </summary>
public sealed class GoFlowInvalidResponseException(HttpStatusCode status, string message, Exception? innerException = null)
    : Exception($"GoFlow answered {(int)status} with {message}", innerException)
{
    public HttpStatusCode Status { get; } = status;
}
