

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The SQL of <see cref="MySqlSchemaInitializer"/> (the database, and the columns and indexes added after the first
/// release) and of <see cref="MySqlHealthCheck"/>.
/// </summary>
internal static class MySqlSchemaSql
{
    /// <summary>Reads no row: the health check's proof that the database answers and the tasks table is there.</summary>
    public const string ProbeTasksTable = "SELECT 1 FROM tasks LIMIT 0";

    public const string CountDatabasesNamed =
        "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @Name";

    public static string CreateDatabase(string name) =>
        $"CREATE DATABASE IF NOT EXISTS {QuoteIdentifier(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";

    /// <summary>Whether a column exists in the current database: MySQL 8 has no ADD COLUMN IF NOT EXISTS.</summary>
    public const string CountColumnsNamed = """
        SELECT COUNT(*) FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @Table AND COLUMN_NAME = @Column
        """;

    /// <summary>
    /// The columns added to schema.sql after its first release, each with the statement that adds it to a database
    /// created before it (schema.sql's CREATE TABLE IF NOT EXISTS leaves an existing table as it is).
    /// </summary>
    public static readonly IReadOnlyList<(string Table, string Column, string Add)> AddedColumns =
    [
        ("tasks", "max_attempts", "ALTER TABLE tasks ADD COLUMN max_attempts INT NOT NULL DEFAULT 3 AFTER attempt"),
        ("workflow_instances", "idempotency_key",
            "ALTER TABLE workflow_instances ADD COLUMN idempotency_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL AFTER updated_at"),
        ("workflow_instances", "request_fingerprint",
            "ALTER TABLE workflow_instances ADD COLUMN request_fingerprint CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER idempotency_key"),
        ("workflow_instances", "trace_parent",
            "ALTER TABLE workflow_instances ADD COLUMN trace_parent VARCHAR(55) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER request_fingerprint"),
        ("tasks", "worker_id", "ALTER TABLE tasks ADD COLUMN worker_id VARCHAR(100) NULL AFTER updated_at"),
    ];

    /// <summary>Whether an index exists in the current database: MySQL 8 has no ADD INDEX IF NOT EXISTS nor DROP INDEX IF EXISTS.</summary>
    public const string CountIndexesNamed = """
        SELECT COUNT(*) FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @Table AND INDEX_NAME = @Index
        """;

    /// <summary>
    /// The indexes added to schema.sql after its first release, each with the statement that adds it to a table created
    /// before it; they run after <see cref="AddedColumns"/>. The first release's idx_workflow_instances_status_created is
    /// (status, created_at), without the id that schema.sql now spells out; it is left as it is, because InnoDB appends
    /// the primary key to every secondary index, which makes the two the same index.
    /// </summary>
    public static readonly IReadOnlyList<(string Table, string Index, string Add)> AddedIndexes =
    [
        ("workflow_instances", "uq_workflow_instances_idempotency_key",
            "ALTER TABLE workflow_instances ADD UNIQUE KEY uq_workflow_instances_idempotency_key (idempotency_key)"),
        ("workflow_instances", "idx_workflow_instances_created",
            "ALTER TABLE workflow_instances ADD KEY idx_workflow_instances_created (created_at, id)"),
        ("workflow_instances", "idx_workflow_instances_name_created",
            "ALTER TABLE workflow_instances ADD KEY idx_workflow_instances_name_created (workflow_name, created_at, id)"),
        ("workflow_instances", "idx_workflow_instances_status_updated",
            "ALTER TABLE workflow_instances ADD KEY idx_workflow_instances_status_updated (status, updated_at)"),
    ];

    /// <summary>
    /// The indexes an earlier release created that this one no longer has, each with the statement that drops it; they
    /// run after <see cref="AddedIndexes"/>. idx_tasks_lease (status, lease_expires_at) served only the recovery sweep,
    /// whose read without locks idx_tasks_claim serves as well, and cost a secondary-index write on every task write
    /// (ADR 0029).
    /// </summary>
    public static readonly IReadOnlyList<(string Table, string Index, string Drop)> DroppedIndexes =
    [
        ("tasks", "idx_tasks_lease", "ALTER TABLE tasks DROP INDEX idx_tasks_lease"),
    ];

    private static string QuoteIdentifier(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
}
