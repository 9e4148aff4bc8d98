using GoFlow.Domain;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// Workflow ids are stored as the UUID's 36-character text, as in MySQL. They are always passed to SQLite as that
/// text: Microsoft.Data.Sqlite would bind a <see cref="Guid"/> as a 16-byte BLOB, which never equals the stored TEXT.
/// </summary>
internal static class SqliteIds
{
    /// <summary>The stored text's length: a UUID's 36 characters, all ASCII.</summary>
    public const int Length = 36;

    public static string ToDatabase(WorkflowId id) => id.Value.ToString("D");

    /// <summary>Writes <paramref name="id"/> as it is stored, in UTF-8, to <paramref name="utf8"/> (<see cref="Length"/> bytes).</summary>
    public static void Write(WorkflowId id, Span<byte> utf8) => id.Value.TryFormat(utf8, out _, "D");

    public static WorkflowId FromDatabase(string value) => new(Guid.ParseExact(value, "D"));
}
