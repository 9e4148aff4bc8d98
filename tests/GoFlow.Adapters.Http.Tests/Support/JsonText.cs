namespace GoFlow.Adapters.Http.Tests.Support;

internal static class JsonText
{
    /// <summary>
    /// A JSON object <paramref name="depth"/> levels deep by <see cref="ApiOptions.MaxPayloadDepth"/>'s count: objects
    /// nested in objects, the innermost holding a number (which adds no level).
    /// </summary>
    public static string NestedObjects(int depth) =>
        string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "{\"leaf\":1}" + new string('}', depth - 1);

    /// <summary>A JSON object <paramref name="depth"/> levels deep whose levels below the first are arrays.</summary>
    public static string NestedArrays(int depth) =>
        "{\"a\":" + new string('[', depth - 1) + "\"leaf\"" + new string(']', depth - 1) + "}";
}
