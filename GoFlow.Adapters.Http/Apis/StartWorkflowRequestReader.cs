using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using GoFlow.Ports.Driving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace GoFlow.Adapters.Http.Apis;

/// <summary>
/// Reads the body of POST /workflows by hand rather than through model binding, so that every way a body can be
/// wrong (not JSON, too large, broken JSON, not valid Unicode, nested too deep, not an object, a payload that is not
/// an object) gets this adapter's own answer, before anything reaches the use case or the database. A signal's body
/// (POST /workflows/{id}/signals/{name}) is read by the same <see cref="ReadDocumentAsync"/>, under the same limits.
/// </summary>
internal static class StartWorkflowRequestReader
{
    public const string WorkflowNameField = "workflow_name";
    public const string InputPayloadField = "input_payload";
    public const string StartAtField = "start_at";

    private const int ReadChunkBytes = 16 * 1024;

    public static async Task<StartRequestOutcome> ReadAsync(HttpRequest request, ApiOptions limits, CancellationToken cancellationToken)
    {
        var (document, refusal) = await ReadDocumentAsync(request, limits, InputPayloadField, cancellationToken);
        if (document is null)
        {
            return refusal!;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new StartRequestOutcome.Malformed(
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
                        return new StartRequestOutcome.InvalidField(
                            WorkflowNameField, $"{WorkflowNameField} must be a string, not {Describe(name.ValueKind)}.");
                }
            }

            JsonElement? inputPayload = null;
            if (root.TryGetProperty(InputPayloadField, out var payload))
            {
                // An explicit null is refused like any other non-object: only leaving the field out means "start on {}".
                if (payload.ValueKind != JsonValueKind.Object)
                {
                    return new StartRequestOutcome.InvalidField(
                        InputPayloadField, $"{InputPayloadField} must be a JSON object, not {Describe(payload.ValueKind)}.");
                }

                // Cloned because the document, and the memory the element points into, is disposed on return.
                inputPayload = payload.Clone();
            }

            DateTimeOffset? startAt = null;
            if (root.TryGetProperty(StartAtField, out var start) && start.ValueKind != JsonValueKind.Null)
            {
                if (start.ValueKind != JsonValueKind.String || !IsoTime.TryParse(start.GetString(), out var parsed))
                {
                    return new StartRequestOutcome.InvalidField(
                        StartAtField,
                        $"{StartAtField} must be an ISO 8601 date and time with an offset, such as " +
                        $"2026-05-01T09:00:00+02:00 or 2026-05-01T07:00:00Z; it was {Describe(start.ValueKind)}" +
                        (start.ValueKind == JsonValueKind.String ? " without one, or not a valid time." : "."));
                }

                startAt = parsed;
            }

            return new StartRequestOutcome.Command(new StartWorkflowCommand(workflowName, inputPayload, StartAt: startAt));
        }
    }

    /// <summary>
    /// Reads a JSON body under the limits of <paramref name="limits"/>: its content type, size, encoding, nesting (its
    /// property <paramref name="payloadField"/> held to the payload's depth, or the whole body when that is null) and
    /// syntax. The caller owns the document.
    /// </summary>
    public static async Task<(JsonDocument? Document, StartRequestOutcome? Refusal)> ReadDocumentAsync(
        HttpRequest request, ApiOptions limits, string? payloadField, CancellationToken cancellationToken)
    {
        if (!IsUtf8Json(request.ContentType))
        {
            return (null, new StartRequestOutcome.UnsupportedMediaType(
                "The request body must be JSON sent as application/json (charset utf-8, if any); the Content-Type was " +
                $"{Describe(request.ContentType)}."));
        }

        if (!IsIdentityCoded(request))
        {
            // No decoder is in the pipeline: a compressed body would be parsed as its compressed bytes, and a body
            // labelled compressed that is not would be taken as sent. RFC 9110 section 15.5.16: 415, with the codings
            // that would have been taken in Accept-Encoding.
            request.HttpContext.Response.Headers.AcceptEncoding = "identity";
            return (null, new StartRequestOutcome.UnsupportedMediaType(
                "The request body must be sent without a content coding (no Content-Encoding, or identity); GoFlow " +
                "decodes none. Nothing was changed."));
        }

        ReadOnlyMemory<byte>? body;
        try
        {
            body = await ReadBodyAsync(request, limits.MaxRequestBodyBytes, cancellationToken);
        }
        catch (IOException exception) when (exception is not (ConnectionResetException or BadHttpRequestException))
        {
            // The server could not take the body apart (a chunk size that overflows, say): the client's framing. A
            // reset connection (the client left) and the server's own refusals go on to the exception handler.
            return (null, new StartRequestOutcome.Malformed(
                "The request body could not be read: its chunked transfer coding is malformed."));
        }

        if (body is null)
        {
            return (null, new StartRequestOutcome.TooLarge($"The request body is larger than {limits.MaxRequestBodyBytes} bytes."));
        }

        var text = SkipByteOrderMark(body.Value);
        if (StartWorkflowBodyCheck.Check(text.Span, limits.MaxPayloadDepth, payloadField) is { } refusal)
        {
            return (null, refusal);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions
            {
                // Duplicate keys are refused (400) rather than "last wins": a payload with duplicates means different
                // things to different readers (MySQL keeps the last key, MariaDB stores the text as sent), so it is
                // stopped at the door.
                AllowDuplicateProperties = false,
                // The check above has held the nesting to this already.
                MaxDepth = limits.MaxPayloadDepth + (payloadField is null ? 0 : 1),
            });
        }
        catch (JsonException exception)
        {
            return (null, new StartRequestOutcome.Malformed(NotJson(exception)));
        }

        return (document, null);
    }

    /// <summary>The body, or null when it is larger than <paramref name="limit"/> bytes (the rest is left unread).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        // The server enforces the limit too where it can (Kestrel): it then stops reading a chunked body at the limit
        // and throws BadHttpRequestException (413), which the exception handler answers, and does not drain a
        // declared body over it. The checks below make the limit hold on any server.
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        if (request.ContentLength > limit)
        {
            return null;
        }

        // Not disposed: a MemoryStream holds no resource, and its array is the result.
        var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? ReadChunkBytes, limit));
        var chunk = new byte[ReadChunkBytes];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    // RFC 8259 lets a parser ignore a leading byte order mark, and clients that write one expect it to be.
    private static ReadOnlyMemory<byte> SkipByteOrderMark(ReadOnlyMemory<byte> body) =>
        body.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? body[3..] : body;

    /// <summary>
    /// A JSON error worded for the client: where the text went wrong, counted from 1. The parser's own message speaks
    /// to programmers ("Change the reader options", "when isFinalBlock is true"), so it is not passed on.
    /// </summary>
    public static string NotJson(JsonException exception) =>
        exception is { LineNumber: { } line, BytePositionInLine: { } position }
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"The request body is not valid JSON: the error is at line {line + 1}, byte {position + 1} of that line.")
            : "The request body is not valid JSON.";

    /// <summary>Whether every coding the request's Content-Encoding names (none, most often) is identity.</summary>
    private static bool IsIdentityCoded(HttpRequest request)
    {
        foreach (var value in request.Headers.ContentEncoding)
        {
            foreach (var coding in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the body is declared as <c>application/json</c> in UTF-8: that media type only (not another one with a
    /// <c>+json</c> suffix, which means a different format such as a merge patch), with at most one <c>charset</c>,
    /// quoted or not (RFC 9110 gives both the same meaning), naming UTF-8.
    /// </summary>
    private static bool IsUtf8Json(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // JSON on the wire is UTF-8 (RFC 8259); a body declared in another charset would be misread, so it is refused,
        // and so is one that declares two, which different readers would take differently.
        var charsets = mediaType.Parameters
            .Where(parameter => parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase))
            .Select(parameter => HeaderUtilities.RemoveQuotes(parameter.Value))
            .ToList();
        return charsets.Count switch
        {
            0 => true,
            1 => charsets[0].Equals("utf-8", StringComparison.OrdinalIgnoreCase)
                || charsets[0].Equals("utf8", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }

    // A header may be kilobytes long; the problem quotes enough of it to recognise, not all of it back.
    private const int QuotedContentTypeLength = 100;

    private static string Describe(string? contentType) => contentType switch
    {
        null or "" => "missing",
        { Length: > QuotedContentTypeLength } => $"'{contentType[..QuotedContentTypeLength]}…'",
        _ => $"'{contentType}'",
    };

    public static string Describe(JsonValueKind kind) => kind switch
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

/// <summary>What reading the body of POST /workflows came to: a command for the use case, or why it was refused.</summary>
internal abstract record StartRequestOutcome
{
    private StartRequestOutcome()
    {
    }

    public sealed record Command(StartWorkflowCommand Value) : StartRequestOutcome;

    /// <summary>The body is not declared as (UTF-8) JSON, or is declared in a content coding (Content-Encoding) GoFlow does not decode.</summary>
    public sealed record UnsupportedMediaType(string Detail) : StartRequestOutcome;

    /// <summary>The body is larger than <see cref="ApiOptions.MaxRequestBodyBytes"/>.</summary>
    public sealed record TooLarge(string Detail) : StartRequestOutcome;

    /// <summary>The body is not JSON, not valid Unicode, nested too deep, or not a JSON object.</summary>
    public sealed record Malformed(string Detail) : StartRequestOutcome;

    /// <summary>The body is a JSON object but one of its fields has the wrong type or is nested too deep.</summary>
    public sealed record InvalidField(string Field, string Message) : StartRequestOutcome;
}
