using GoFlow.Domain;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// Workflow ids are stored as the UUID's 36-character text, as in MySQL. They are always passed to SQLite as that
/// text: Microsoft.Data.Sqlite would bind a <see cref="Guid"/> as a 16-byte BLOB, which never equals the stored TEXT.
/// </summary>
internal static class SqliteIds
{
    public static string ToDatabase(WorkflowId id) => id.Value.ToString("D");

    public static WorkflowId FromDatabase(string value) => new(Guid.ParseExact(value, "D"));
}
