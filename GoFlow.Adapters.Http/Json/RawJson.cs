using System.Text.Json;
using System.Text.Json.Serialization;

namespace GoFlow.Adapters.Http.Json;

/// <summary>
/// JSON text that was stored as JSON (a payload, an activity row's details) and is written into an answer as JSON,
/// so clients get <c>"current_input": {...}</c> rather than a string holding an object.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
internal readonly record struct RawJson(string Text)
{
    public static RawJson? FromNullable(string? text) => text is null ? null : new RawJson(text);
}

internal sealed class RawJsonConverter : JsonConverter<RawJson>
{
    // The adapter only writes answers; it never binds RawJson from a request.
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("RawJson is written into answers only.");

    // Validation stays on: a stored value that is not JSON must fail loudly rather than corrupt the answer.
    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Text, skipInputValidation: false);
}
