namespace GoFlow.Adapters.MySql;

/// <summary>The SQL of <see cref="MySqlScheduleStore"/>: one row per schedule with any state, in schedule_states.</summary>
internal static class MySqlScheduleSql
{
    public const string ReadAll = """
        SELECT name AS Name, paused AS Paused, last_fire_at AS LastFireAt, last_workflow_id AS LastWorkflowId
        FROM schedule_states
        """;

    public const string SetPaused = """
        INSERT INTO schedule_states (name, paused, last_fire_at, last_workflow_id, updated_at)
        VALUES (@Name, @Paused, NULL, NULL, @Now)
        ON DUPLICATE KEY UPDATE paused = VALUES(paused), updated_at = VALUES(updated_at)
        """;

    // A fire moves the row on only when it is later than the one recorded (a host late with an older fire, or a second
    // host with the same fire, changes nothing); a skipped fire (no workflow) keeps the workflow of the fire before.
    // The assignments read the row's old values, so last_fire_at is assigned last.
    public const string RecordFire = """
        INSERT INTO schedule_states (name, paused, last_fire_at, last_workflow_id, updated_at)
        VALUES (@Name, FALSE, @FireAt, @WorkflowId, @Now)
        ON DUPLICATE KEY UPDATE
            last_workflow_id = IF(last_fire_at IS NULL OR last_fire_at < VALUES(last_fire_at),
                                  COALESCE(VALUES(last_workflow_id), last_workflow_id), last_workflow_id),
            updated_at = IF(last_fire_at IS NULL OR last_fire_at < VALUES(last_fire_at), VALUES(updated_at), updated_at),
            last_fire_at = IF(last_fire_at IS NULL OR last_fire_at < VALUES(last_fire_at), VALUES(last_fire_at), last_fire_at)
        """;
}
