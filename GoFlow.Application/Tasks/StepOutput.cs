using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GoFlow.Application.Tasks;

/// <summary>
/// A handler's output as the JSON text a step stores, held to <see cref="StepOutputOptions.MaxBytes"/>.
/// </summary>
/// <remarks>
/// Strings are escaped only where JSON requires it (quotation mark, reverse solidus, control characters), so text
/// keeps its size from step to step: System.Text.Json's default encoder writes <c>&lt;</c> as six bytes and every
/// non-ASCII character as <c>\uXXXX</c>, and even its relaxed encoder escapes characters outside the Basic
/// Multilingual Plane (an emoji's four bytes become twelve). The stored text is read by the stores and written into
/// answers as <c>application/json</c>, never into HTML or a script, so HTML-sensitive characters need no escaping.
/// </remarks>
internal static class StepOutput
{
    /// <summary>The deepest output written, as System.Text.Json's own writer allows; deeper text could not be read back.</summary>
    private const int MaxDepth = 64;

    private static readonly JsonSerializerOptions OtherValues = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // What a JSON string cannot hold as it is: the quotation mark, the reverse solidus, control characters; and the
    // surrogates, which are let through only as whole pairs.
    private static readonly SearchValues<char> NeedsAttention = SearchValues.Create(
        "\"\\" + new string([.. Enumerable.Range(0, 0x20).Select(code => (char)code)]) +
        new string([.. Enumerable.Range(0xD800, 0x800).Select(code => (char)code)]));

    /// <summary>Writes <paramref name="output"/> as JSON text of at most <paramref name="maxBytes"/> UTF-8 bytes.</summary>
    /// <returns>False, with <paramref name="error"/> saying why, when the output cannot be stored.</returns>
    public static bool TryWrite(
        JsonObject output, int maxBytes, [NotNullWhen(true)] out string? text, [NotNullWhen(false)] out string? error)
    {
        var builder = new StringBuilder();
        if (!TryWrite(output, builder, depth: 1, out error))
        {
            text = null;
            return false;
        }

        text = builder.ToString();
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > maxBytes)
        {
            error = string.Create(
                CultureInfo.InvariantCulture,
                $"The task's output is {bytes} bytes of JSON, more than the {maxBytes} bytes a step may store ({StepOutputOptions.SectionName}:{nameof(StepOutputOptions.MaxBytes)}).");
            text = null;
            return false;
        }

        return true;
    }

    private static bool TryWrite(JsonNode? node, StringBuilder text, int depth, [NotNullWhen(false)] out string? error)
    {
        error = null;
        switch (node)
        {
            case null:
                text.Append("null");
                return true;

            case JsonObject members:
                if (depth > MaxDepth)
                {
                    error = TooDeep();
                    return false;
                }

                text.Append('{');
                var first = true;
                foreach (var (name, value) in members)
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    if (!TryWriteString(name, text, out error))
                    {
                        return false;
                    }

                    text.Append(':');
                    if (!TryWrite(value, text, depth + 1, out error))
                    {
                        return false;
                    }
                }

                text.Append('}');
                return true;

            case JsonArray items:
                if (depth > MaxDepth)
                {
                    error = TooDeep();
                    return false;
                }

                text.Append('[');
                for (var index = 0; index < items.Count; index++)
                {
                    if (index > 0)
                    {
                        text.Append(',');
                    }

                    if (!TryWrite(items[index], text, depth + 1, out error))
                    {
                        return false;
                    }
                }

                text.Append(']');
                return true;

            case JsonValue value when value.TryGetValue<string>(out var characters):
                return TryWriteString(characters, text, out error);

            default:
                // Numbers, booleans, and values such as a Guid or a date, whose JSON text is plain ASCII.
                try
                {
                    text.Append(node.ToJsonString(OtherValues));
                    return true;
                }
                catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or NotSupportedException or JsonException)
                {
                    // A value JSON has no text for, such as a double that is not a number.
                    error = $"The task's output holds a value that cannot be written as JSON: {exception.Message}";
                    return false;
                }
        }
    }

    private static bool TryWriteString(string value, StringBuilder text, [NotNullWhen(false)] out string? error)
    {
        error = null;
        text.Append('"');
        var rest = value.AsSpan();
        while (rest.IndexOfAny(NeedsAttention) is var next && next >= 0)
        {
            text.Append(rest[..next]);
            var character = rest[next];
            if (char.IsHighSurrogate(character) && next + 1 < rest.Length && char.IsLowSurrogate(rest[next + 1]))
            {
                text.Append(rest.Slice(next, 2));
                rest = rest[(next + 2)..];
                continue;
            }

            if (char.IsSurrogate(character))
            {
                // Not Unicode: no store keeps it (MariaDB refuses an unpaired \uD800), and UTF-8 cannot carry it.
                error = "The task's output holds a string with half of a surrogate pair, which is not valid Unicode.";
                return false;
            }

            text.Append(character switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)character:X4}"),
            });
            rest = rest[(next + 1)..];
        }

        text.Append(rest).Append('"');
        return true;
    }

    private static string TooDeep() =>
        string.Create(CultureInfo.InvariantCulture, $"The task's output is nested more than {MaxDepth} levels deep.");
}
