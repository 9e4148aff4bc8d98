using System.Globalization;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// The SQL of <see cref="SqliteDatabase"/>'s connections, <see cref="SqliteSchemaInitializer"/> (the columns and indexes
/// added after the first release) and <see cref="SqliteHealthCheck"/>.
/// </summary>
internal static class SqliteSchemaSql
{
    /// <summary>Reads no row: the health check's proof that the database answers and the tasks table is there.</summary>
    public const string ProbeTasksTable = "SELECT 1 FROM tasks LIMIT 0";

    /// <summary>
    /// The settings each connection needs, which SQLite keeps per connection rather than in the file.
    /// <c>synchronous = FULL</c> makes every commit wait until the write-ahead log is on disk. WAL mode's usual NORMAL
    /// would be faster but can lose the last commits on a power cut or an OS crash, and GoFlow has answered for them by
    /// then: a 201 for a started workflow, or a completed task whose handler would otherwise run again.
    /// </summary>
    public static string ConfigureConnection(int busyTimeoutMilliseconds) => string.Create(
        CultureInfo.InvariantCulture,
        $"PRAGMA busy_timeout = {busyTimeoutMilliseconds}; PRAGMA synchronous = FULL;");

    /// <summary>
    /// Changes nothing, but as the first statement of a deferred transaction it starts the write transaction, taking
    /// the file's write lock exactly as <c>BEGIN IMMEDIATE</c> would (SQLite's documented rule for BEGIN DEFERRED: the
    /// first UPDATE, INSERT or DELETE starts a write transaction), waiting for it through the connection's
    /// busy_timeout.
    /// </summary>
    public const string TakeWriteLock = "DELETE FROM tasks WHERE 0";

    /// <summary>
    /// Write-ahead logging, kept in the file once set: readers see the last commit without waiting for a writer, and a
    /// writer does not wait for readers. Answers the journal mode now in effect.
    /// </summary>
    public const string UseWriteAheadLog = "PRAGMA journal_mode = WAL";

    /// <summary>
    /// The columns added to schema.sqlite.sql after its first release, each with the statement that adds it to a file
    /// created before it (CREATE TABLE IF NOT EXISTS leaves an existing table as it is). They run before the schema,
    /// whose indexes may need them.
    /// </summary>
    public static readonly IReadOnlyList<(string Table, string Column, string Add)> AddedColumns =
    [
        ("workflow_instances", "idempotency_key", "ALTER TABLE workflow_instances ADD COLUMN idempotency_key TEXT NULL"),
        ("workflow_instances", "request_fingerprint", "ALTER TABLE workflow_instances ADD COLUMN request_fingerprint TEXT NULL"),
        ("workflow_instances", "trace_parent", "ALTER TABLE workflow_instances ADD COLUMN trace_parent TEXT NULL"),
        ("tasks", "worker_id", "ALTER TABLE tasks ADD COLUMN worker_id TEXT NULL"),
    ];

    /// <summary>Whether the table exists (1 or 0), and whether it has the column (1 or 0).</summary>
    public const string CountTableAndColumn = """
        SELECT (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @Table),
               (SELECT COUNT(*) FROM pragma_table_info(@Table) WHERE name = @Column)
        """;

    /// <summary>
    /// The indexes whose columns changed after the first release, with the columns they have now and the statement that
    /// drops an older shape; the schema then creates them anew (CREATE INDEX IF NOT EXISTS would keep the old one).
    /// The first release's idx_workflow_instances_status_created lacked the id: SQLite appends the rowid to an index,
    /// not the id, so without it the list would sort every page whose rows tie on created_at.
    /// </summary>
    public static readonly IReadOnlyList<(string Index, string Columns, string Drop)> ReshapedIndexes =
    [
        ("idx_workflow_instances_status_created", "status,created_at,id", "DROP INDEX idx_workflow_instances_status_created"),
    ];

    /// <summary>
    /// The indexes an earlier release created and this one does not have, with the statement that drops them.
    /// idx_tasks_lease (status, lease_expires_at) served only the lease sweep, which idx_tasks_claim serves as well, and
    /// was written by every claim, completion, hand-over and lease renewal (ADR 0029, which dropped it on MySQL first).
    /// </summary>
    public static readonly IReadOnlyList<(string Index, string Drop)> DroppedIndexes =
    [
        ("idx_tasks_lease", "DROP INDEX idx_tasks_lease"),
    ];

    /// <summary>An index's columns in order, comma-separated; NULL when there is no such index.</summary>
    public const string IndexColumns =
        "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(@Index) ORDER BY seqno)";
}
