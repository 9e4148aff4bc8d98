namespace GoFlow.Adapters.Sqlite;

/// <summary>The SQL of <see cref="SqliteScheduleStore"/>: one row per schedule with any state, in schedule_states.</summary>
internal static class SqliteScheduleSql
{
    public const string ReadAll = """
        SELECT name AS Name, paused AS Paused, last_fire_at AS LastFireAt, last_workflow_id AS LastWorkflowId
        FROM schedule_states
        """;

    public const string SetPaused = """
        INSERT INTO schedule_states (name, paused, last_fire_at, last_workflow_id, updated_at)
        VALUES (@Name, @Paused, NULL, NULL, @Now)
        ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, updated_at = excluded.updated_at
        """;

    // As MySQL's: only a later fire moves the row on, and a skipped fire keeps the workflow of the fire before.
    // Times are fixed-width text, so comparing the text compares the instants (SqliteTime).
    public const string RecordFire = """
        INSERT INTO schedule_states (name, paused, last_fire_at, last_workflow_id, updated_at)
        VALUES (@Name, 0, @FireAt, @WorkflowId, @Now)
        ON CONFLICT (name) DO UPDATE SET
            last_fire_at = excluded.last_fire_at,
            last_workflow_id = COALESCE(excluded.last_workflow_id, last_workflow_id),
            updated_at = excluded.updated_at
        WHERE last_fire_at IS NULL OR last_fire_at < excluded.last_fire_at
        """;
}
