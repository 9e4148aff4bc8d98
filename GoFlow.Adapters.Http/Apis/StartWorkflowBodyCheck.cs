using System.Text.Json;
using System.Text.Unicode;

namespace GoFlow.Adapters.Http.Apis;

/// <summary>
/// The checks a POST /workflows body passes before it is parsed into a document: valid UTF-8 with valid Unicode in
/// every string, JSON syntax, and nesting, with <c>input_payload</c> held to <see cref="ApiOptions.MaxPayloadDepth"/>.
/// </summary>
/// <remarks>
/// A single forward pass with <see cref="Utf8JsonReader"/>, linear in the body's size, that stops at the first level
/// too deep. It runs before <see cref="JsonDocument"/> because building a document costs time that grows with the
/// square of the nesting (measured: 20,000 levels take over a second), and because everything refused here would
/// otherwise reach the database and fail there as a 500: MariaDB refuses documents nested 32 deep, and strings with
/// an unpaired surrogate escape such as <c>"\ud800"</c>, which System.Text.Json reads without complaint.
/// </remarks>
internal static class StartWorkflowBodyCheck
{
    /// <returns>Why the body is refused, or null when it may be parsed.</returns>
    public static StartRequestOutcome? Check(ReadOnlySpan<byte> body, int maxPayloadDepth) =>
        Check(body, maxPayloadDepth, StartWorkflowRequestReader.InputPayloadField);

    /// <summary>The same checks for a body whose property <paramref name="payloadField"/> holds the payload, or, when it is null, a body that is the payload (a signal's).</summary>
    /// <returns>Why the body is refused, or null when it may be parsed.</returns>
    public static StartRequestOutcome? Check(ReadOnlySpan<byte> body, int maxPayloadDepth, string? payloadField)
    {
        if (!Utf8.IsValid(body))
        {
            return new StartRequestOutcome.Malformed("The request body is not valid UTF-8.");
        }

        // The body object is one level above the payload, so the body may nest one level deeper than the payload;
        // the reader's own limit sits one level above that, so that the loop sees the first container too deep.
        // A body that is the payload is held to the payload's nesting alone.
        var payloadLevel = payloadField is null ? 0 : 1;
        var maxBodyDepth = maxPayloadDepth + payloadLevel;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxBodyDepth + 1 });
        var nextValueIsPayload = false;
        var inPayload = payloadField is null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (!HasValidUnicode(ref reader))
                        {
                            return UnpairedSurrogate();
                        }

                        // The reader's depth counts the containers around a token: 1 is a property of the body object.
                        nextValueIsPayload = payloadField is not null && reader.CurrentDepth == 1
                            && reader.ValueTextEquals(payloadField);
                        continue;

                    case JsonTokenType.String when !HasValidUnicode(ref reader):
                        return UnpairedSurrogate();

                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        inPayload |= nextValueIsPayload;

                        // Inside the payload a container's level is the reader's depth from the payload's: the payload
                        // object, a property of the body object, is at depth 1 (the body itself, when it is the payload, at 0).
                        if (inPayload && reader.CurrentDepth - payloadLevel + 1 > maxPayloadDepth)
                        {
                            var field = payloadField ?? "payload";
                            return new StartRequestOutcome.InvalidField(
                                field,
                                $"{payloadField ?? "The payload"} is nested more than {maxPayloadDepth} " +
                                "levels deep; count the payload object as level 1 and each object or array inside " +
                                "another as one level more.");
                        }

                        if (reader.CurrentDepth + 1 > maxBodyDepth)
                        {
                            return new StartRequestOutcome.Malformed(
                                $"The request body is nested more than {maxBodyDepth} levels deep.");
                        }

                        break;

                    case JsonTokenType.EndObject or JsonTokenType.EndArray when inPayload && payloadField is not null && reader.CurrentDepth == 1:
                        inPayload = false;
                        break;
                }

                nextValueIsPayload = false;
            }
        }
        catch (JsonException exception)
        {
            return new StartRequestOutcome.Malformed(StartWorkflowRequestReader.NotJson(exception));
        }

        return null;
    }

    /// <summary>
    /// Whether the current string or property name decodes to valid Unicode. Only an escaped one can fail, by
    /// escaping half of a surrogate pair (<c>\ud800</c>); raw bytes were checked as UTF-8 already.
    /// </summary>
    private static bool HasValidUnicode(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return true;
        }

        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            // GetString's documented answer to text that is not valid UTF-16.
            return false;
        }
    }

    private static StartRequestOutcome.Malformed UnpairedSurrogate() => new(
        "The request body is not valid Unicode: a string escapes half of a surrogate pair (\\uD800 to \\uDFFF " +
        "must come in high-low pairs).");
}
