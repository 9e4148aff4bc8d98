using System.Text.Json;
using System.Text.Json.Nodes;

namespace GoFlow.Host.SampleTasks;

internal static class SampleInput
{
    /// <summary>Reads <paramref name="property"/> as a JSON number; a string such as "42" is not one.</summary>
    public static bool TryGetNumber(JsonObject input, string property, out decimal number)
    {
        number = 0;
        return input[property] is JsonValue value
            && value.GetValueKind() == JsonValueKind.Number
            && value.TryGetValue(out number);
    }
}
