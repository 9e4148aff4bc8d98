using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace GoFlow.Adapters.Http.Tests.Support;

internal static class HttpJson
{
    public const string ProblemContentType = "application/problem+json";

    /// <summary>ASP.NET Core names the trace id member through the API's snake_case policy.</summary>
    public const string TraceIdMember = "trace_id";

    /// <summary>A body with exactly the given bytes and Content-Type (null: no Content-Type header at all).</summary>
    public static HttpContent Body(string text, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    public static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) as JsonObject
            ?? throw new AssertionException($"The answer is not a JSON object: {text}");
    }

    /// <summary>
    /// Asserts that the answer is an RFC 9457 problem with <paramref name="status"/> and no trace of server internals,
    /// and returns it.
    /// </summary>
    public static async Task<JsonObject> ReadProblemAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(status), text);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(ProblemContentType), text);
            AssertNoInternals(text);
        }

        var problem = JsonNode.Parse(text)!.AsObject();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(problem["status"]?.GetValue<int>(), Is.EqualTo(status), text);
            Assert.That(problem["title"]?.GetValue<string>(), Is.Not.Empty, text);
            Assert.That(problem["type"]?.GetValue<string>(), Is.Not.Null.And.EqualTo(GoFlow.Adapters.Http.Problems.ProblemTypes.ByStatus.GetValueOrDefault(status)), text);
            Assert.That(problem[TraceIdMember]?.GetValue<string>(), Is.Not.Empty, text);
            Assert.That(problem.ContainsKey("traceId"), Is.False, $"one trace id member only: {text}");
        }

        return problem;
    }

    /// <summary>No stack trace, exception type or SQL in an answer.</summary>
    public static void AssertNoInternals(string text)
    {
        Assert.That(text, Does.Not.Contain("   at ").And.Not.Contain("Exception").And.Not.Contain("stackTrace")
            .And.Not.Contain("SELECT ").And.Not.Contain("INSERT ").And.Not.Contain("Password="));
    }
}
