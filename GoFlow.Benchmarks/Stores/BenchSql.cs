using System.Globalization;
using GoFlow.Domain;

namespace GoFlow.Benchmarks.Stores;

/// <summary>
/// The SQL the benchmark uses to read the figures back from the store and to seed rows in bulk, for both stores.
/// (The raw replay sends no SQL of its own: it calls the store adapter, <see cref="Raw.RawStepLoop"/>.) Reads filter on a run's workflow
/// name and start time, which idx_workflow_instances_name_created serves, so earlier runs' history costs nothing.
/// </summary>
internal static class BenchSql
{
    private const string Pending = StatusNames.Pending;
    private const string Running = StatusNames.Running;
    private const string Completed = StatusNames.Completed;

    /// <summary>A run's workflows with their stored times.</summary>
    public const string ReadWorkflows = """
        SELECT id, status, created_at, updated_at
        FROM workflow_instances
        WHERE workflow_name = @Name AND created_at >= @Since
        """;

    /// <summary>A run's TASK_STARTED and TASK_COMPLETED rows, each workflow's in the order they were written.</summary>
    public const string ReadStepEvents = """
        SELECT a.workflow_instance_id, a.action, a.created_at
        FROM workflow_instances w
        JOIN activity_logs a ON a.workflow_instance_id = w.id
        WHERE w.workflow_name = @Name AND w.created_at >= @Since AND a.action IN ('TASK_STARTED', 'TASK_COMPLETED')
        ORDER BY a.workflow_instance_id, a.id
        """;

    /// <summary>How many activity rows of one action a run's workflows have (TASK_LEASE_EXPIRED, say).</summary>
    public const string CountActions = """
        SELECT COUNT(*)
        FROM workflow_instances w
        JOIN activity_logs a ON a.workflow_instance_id = w.id
        WHERE w.workflow_name = @Name AND w.created_at >= @Since AND a.action = @Action
        """;

    /// <summary>How many of a run's workflows are not finished; read through idx_workflow_instances_status_created.</summary>
    public const string CountUnfinishedWorkflows = $"""
        SELECT COUNT(*)
        FROM workflow_instances
        WHERE status IN ('{Pending}', '{Running}') AND workflow_name = @Name AND created_at >= @Since
        """;

    /// <summary>
    /// 1 when some workflow of the run is not finished, else 0: stops at the first such row, so waiting for a run to
    /// finish costs next to nothing however large its backlog (a full count would read every unfinished row).
    /// </summary>
    public const string AnyUnfinishedWorkflow = $"""
        SELECT COUNT(*) FROM (
            SELECT 1 FROM workflow_instances
            WHERE status IN ('{Pending}', '{Running}') AND workflow_name = @Name AND created_at >= @Since
            LIMIT 1) AS unfinished
        """;

    /// <summary>Unfinished tasks of any workflow: the raw replay would take them, so it runs only when there are none.</summary>
    public const string CountUnfinishedTasks = $"SELECT COUNT(*) FROM tasks WHERE status IN ('{Pending}', '{Running}')";

    public const string CountTasks = "SELECT COUNT(*) FROM tasks";

    public const string CountWorkflows = "SELECT COUNT(*) FROM workflow_instances";

    /// <summary>
    /// MySQL/MariaDB: the base tables of the connection's database with their row estimate and sizes. InnoDB keeps these
    /// from its statistics, which <see cref="MySqlAnalyzeTable"/> refreshes first.
    /// </summary>
    public const string MySqlTableSizes = """
        SELECT TABLE_NAME, COALESCE(TABLE_ROWS, 0), COALESCE(DATA_LENGTH, 0), COALESCE(INDEX_LENGTH, 0), COALESCE(DATA_FREE, 0)
        FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'
        ORDER BY TABLE_NAME
        """;

    /// <summary>Refreshes one table's statistics (a sample of its pages), so that its sizes are those of now.</summary>
    public static string MySqlAnalyzeTable(string table) => $"ANALYZE TABLE `{table.Replace("`", "``", StringComparison.Ordinal)}`";

    /// <summary>The buffer pool's counters since the server started, as name and value rows.</summary>
    public const string MySqlBufferPoolStatus = "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_%'";

    public const string MySqlBufferPoolSize = "SELECT @@innodb_buffer_pool_size";

    /// <summary>SQLite: the tables (not SQLite's own), whose rows are counted one by one.</summary>
    public const string SqliteTables = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";

    /// <summary>Counts one table's rows.</summary>
    public static string SqliteCountRows(string table) => $"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>SQLite: the file's pages in use and on the free list, and the page size, for its size.</summary>
    public const string SqliteFilePages = "SELECT page_count, freelist_count, page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()";

    public const string WorkflowStatus = "SELECT status FROM workflow_instances WHERE id = @Id";

    /// <summary>MySQL/MariaDB: the server and the settings that decide whether a commit is durable.</summary>
    public const string MySqlDescribe =
        "SELECT VERSION(), @@innodb_flush_log_at_trx_commit, @@sync_binlog, @@log_bin, @@innodb_buffer_pool_size";

    public const string SqliteDescribe = "SELECT sqlite_version()";

    public const string SqliteJournalMode = "PRAGMA journal_mode";

    public const string SqliteSynchronous = "PRAGMA synchronous";

    /// <summary>MySQL 8 stops a recursive CTE at 1,000 rows unless told otherwise; the seeding CTE needs more.</summary>
    public const string MySqlAllowDeepRecursion = "SET SESSION cte_max_recursion_depth = 4294967295";

    /// <summary>The workflow ids of a seed: <c>@Prefix</c> (24 characters) then the row number as 12 hex digits.</summary>
    public static string MySqlSeedId(string number) => $"CONCAT(@Prefix, LPAD(LOWER(HEX({number})), 12, '0'))";

    public const string SqliteSeedId = "(@Prefix || printf('%012x', n))";

    /// <summary>
    /// The numbers <paramref name="from"/> to <paramref name="to"/> as a table with one column, <c>seq</c>: MariaDB's
    /// sequence engine when there is one (no rows are stored), else a recursive CTE (MySQL 8).
    /// </summary>
    public static string MySqlNumbers(long from, long to, bool mariaDb) => mariaDb
        ? string.Create(CultureInfo.InvariantCulture, $"seq_{from}_to_{to}")
        : string.Create(
            CultureInfo.InvariantCulture,
            $"(WITH RECURSIVE numbers (seq) AS (SELECT {from} UNION ALL SELECT seq + 1 FROM numbers WHERE seq < {to}) SELECT seq FROM numbers)");

    /// <summary>
    /// Seeds workflows <paramref name="from"/> to <paramref name="to"/> of a seed: finished ones COMPLETED with every
    /// step COMPLETED and the activity rows the engine writes for them (WORKFLOW_CREATED, TASK_STARTED and
    /// TASK_COMPLETED per step, WORKFLOW_COMPLETED); queued ones PENDING with their first task PENDING and a
    /// WORKFLOW_CREATED row, as starting them would have left them. Statements in the engine's table order.
    /// </summary>
    public static string MySqlSeed(long from, long to, int steps, bool finished, bool mariaDb)
    {
        var workflows = MySqlNumbers(from, to, mariaDb);
        var stepNumbers = MySqlNumbers(0, steps - 1, mariaDb);
        var id = MySqlSeedId("w.seq");
        var taskRows = finished
            ? $$"""
              INSERT INTO tasks (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload,
                                 output_payload, scheduled_at, created_at, updated_at)
              SELECT {{id}}, s.seq, CONCAT('Noop', s.seq + 1), '{{Completed}}', 1, 3, '{}', '{}', @CreatedAt, @CreatedAt, @CreatedAt
              FROM {{workflows}} AS w CROSS JOIN {{stepNumbers}} AS s
              ORDER BY w.seq, s.seq;
              """
            : $$"""
              INSERT INTO tasks (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload,
                                 scheduled_at, created_at, updated_at)
              SELECT {{id}}, 0, 'Noop1', '{{Pending}}', 0, 3, '{}', @CreatedAt, @CreatedAt, @CreatedAt
              FROM {{workflows}} AS w ORDER BY w.seq;
              """;
        var taskActivity = finished
            ? $$"""
              INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at)
              SELECT t.workflow_instance_id, t.id, a.action, CONCAT('{"task_name":"', t.task_name, '","attempt":1}'), @CreatedAt
              FROM tasks t
              CROSS JOIN (SELECT 1 AS position, 'TASK_STARTED' AS action UNION ALL SELECT 2, 'TASK_COMPLETED') AS a
              WHERE t.workflow_instance_id BETWEEN {{MySqlSeedId(from.ToString(CultureInfo.InvariantCulture))}} AND {{MySqlSeedId(to.ToString(CultureInfo.InvariantCulture))}}
              ORDER BY t.id, a.position;
              INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at)
              SELECT {{id}}, NULL, 'WORKFLOW_COMPLETED', CONCAT('{"workflow_name":"', @Name, '"}'), @CreatedAt FROM {{workflows}} AS w;
              """
            : string.Empty;
        return $$"""
            INSERT INTO workflow_instances (id, workflow_name, status, current_input, created_at, updated_at)
            SELECT {{id}}, @Name, '{{(finished ? Completed : Pending)}}', '{}', @CreatedAt, @CreatedAt FROM {{workflows}} AS w;
            {{taskRows}}
            INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at)
            SELECT {{id}}, NULL, 'WORKFLOW_CREATED', CONCAT('{"workflow_name":"', @Name, '"}'), @CreatedAt FROM {{workflows}} AS w;
            {{taskActivity}}
            """;
    }

    /// <summary>The same as <see cref="MySqlSeed"/> for SQLite, numbered by recursive CTEs.</summary>
    public static string SqliteSeed(long from, long to, int steps, bool finished)
    {
        var workflows = string.Create(
            CultureInfo.InvariantCulture,
            $"WITH RECURSIVE w(n) AS (SELECT {from} UNION ALL SELECT n + 1 FROM w WHERE n < {to})");
        var stepNumbers = string.Create(
            CultureInfo.InvariantCulture,
            $"s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s WHERE k < {steps - 1})");
        var taskRows = finished
            ? $$"""
              {{workflows}}, {{stepNumbers}}
              INSERT INTO tasks (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload,
                                 output_payload, scheduled_at, created_at, updated_at)
              SELECT {{SqliteSeedId}}, k, 'Noop' || (k + 1), '{{Completed}}', 1, 3, '{}', '{}', @CreatedAt, @CreatedAt, @CreatedAt
              FROM w CROSS JOIN s ORDER BY n, k;
              """
            : $$"""
              {{workflows}}
              INSERT INTO tasks (workflow_instance_id, step_index, task_name, status, attempt, max_attempts, input_payload,
                                 scheduled_at, created_at, updated_at)
              SELECT {{SqliteSeedId}}, 0, 'Noop1', '{{Pending}}', 0, 3, '{}', @CreatedAt, @CreatedAt, @CreatedAt FROM w;
              """;
        var taskActivity = finished
            ? $$"""
              INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at)
              SELECT t.workflow_instance_id, t.id, a.action, '{"task_name":"' || t.task_name || '","attempt":1}', @CreatedAt
              FROM tasks t
              CROSS JOIN (SELECT 1 AS position, 'TASK_STARTED' AS action UNION ALL SELECT 2, 'TASK_COMPLETED') AS a
              WHERE t.workflow_instance_id BETWEEN @FirstId AND @LastId
              ORDER BY t.id, a.position;
              {{workflows}}
              INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at)
              SELECT {{SqliteSeedId}}, NULL, 'WORKFLOW_COMPLETED', '{"workflow_name":"' || @Name || '"}', @CreatedAt FROM w;
              """
            : string.Empty;
        return $$"""
            {{workflows}}
            INSERT INTO workflow_instances (id, workflow_name, status, current_input, created_at, updated_at)
            SELECT {{SqliteSeedId}}, @Name, '{{(finished ? Completed : Pending)}}', '{}', @CreatedAt, @CreatedAt FROM w;
            {{taskRows}}
            {{workflows}}
            INSERT INTO activity_logs (workflow_instance_id, task_id, action, details, created_at)
            SELECT {{SqliteSeedId}}, NULL, 'WORKFLOW_CREATED', '{"workflow_name":"' || @Name || '"}', @CreatedAt FROM w;
            {{taskActivity}}
            """;
    }
}
