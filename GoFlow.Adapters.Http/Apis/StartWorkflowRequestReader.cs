using System.Text.Json;
using GoFlow.Ports.Driving;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace GoFlow.Adapters.Http.Apis;

/// <summary>
/// Reads the body of POST /workflows by hand rather than through model binding, so that every way a body can be
/// wrong (not JSON, broken JSON, not an object, a payload that is not an object) gets this adapter's own answer.
/// </summary>
internal static class StartWorkflowRequestReader
{
    public const string WorkflowNameField = "workflow_name";
    public const string InputPayloadField = "input_payload";

    // Duplicate keys are refused (400) rather than "last wins": a payload with duplicates means different things to
    // different readers (MySQL keeps the last key, MariaDB stores the text as sent), so it is stopped at the door.
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false };

    public static async Task<StartWorkflowBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsUtf8Json(request.ContentType))
        {
            return new StartWorkflowBody.UnsupportedMediaType(
                $"The request body must be JSON sent as application/json; the Content-Type was {Describe(request.ContentType)}.");
        }

        JsonDocument document;
        try
        {
            // A body over the server's size limit throws BadHttpRequestException (413) here; the exception handler answers it.
            document = await JsonDocument.ParseAsync(request.Body, DocumentOptions, cancellationToken);
        }
        catch (JsonException exception)
        {
            // The parser's message describes the client's own text (what was wrong, where): safe and useful to return.
            return new StartWorkflowBody.Malformed($"The request body is not valid JSON: {exception.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new StartWorkflowBody.Malformed(
                    $"The request body must be a JSON object, not {Describe(root.ValueKind)}.");
            }

            string? workflowName = null;
            if (root.TryGetProperty(WorkflowNameField, out var name))
            {
                switch (name.ValueKind)
                {
                    case JsonValueKind.String:
                        workflowName = name.GetString();
                        break;
                    case JsonValueKind.Null:
                        // Treated as left out: the use case answers that the name is required.
                        break;
                    default:
                        return new StartWorkflowBody.InvalidField(
                            WorkflowNameField, $"{WorkflowNameField} must be a string, not {Describe(name.ValueKind)}.");
                }
            }

            JsonElement? inputPayload = null;
            if (root.TryGetProperty(InputPayloadField, out var payload))
            {
                // An explicit null is refused like any other non-object: only leaving the field out means "start on {}".
                if (payload.ValueKind != JsonValueKind.Object)
                {
                    return new StartWorkflowBody.InvalidField(
                        InputPayloadField, $"{InputPayloadField} must be a JSON object, not {Describe(payload.ValueKind)}.");
                }

                // Cloned because the document, and the memory the element points into, is disposed on return.
                inputPayload = payload.Clone();
            }

            return new StartWorkflowBody.Command(new StartWorkflowCommand(workflowName, inputPayload));
        }
    }

    private static bool IsUtf8Json(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return false;
        }

        var isJson = mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);

        // JSON on the wire is UTF-8 (RFC 8259); a body declared in another charset would be misread, so it is refused.
        var charset = mediaType.Charset;
        var isUtf8 = !charset.HasValue
            || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);

        return isJson && isUtf8;
    }

    private static string Describe(string? contentType) =>
        string.IsNullOrEmpty(contentType) ? "missing" : $"'{contentType}'";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        _ => kind.ToString(),
    };
}

/// <summary>What the body of POST /workflows came to: a command for the use case, or why it was refused.</summary>
internal abstract record StartWorkflowBody
{
    private StartWorkflowBody()
    {
    }

    public sealed record Command(StartWorkflowCommand Value) : StartWorkflowBody;

    /// <summary>The body is not declared as (UTF-8) JSON.</summary>
    public sealed record UnsupportedMediaType(string Detail) : StartWorkflowBody;

    /// <summary>The body is not JSON, or not a JSON object.</summary>
    public sealed record Malformed(string Detail) : StartWorkflowBody;

    /// <summary>The body is a JSON object but one of its fields has the wrong type.</summary>
    public sealed record InvalidField(string Field, string Message) : StartWorkflowBody;
}
