-- GoFlow's schema for the embedded SQLite store (GoFlow.Adapters.Sqlite), SQLite 3.35+.
-- Keep it column for column in step with schema.sql, the canonical MySQL schema: same tables, same columns in the
-- same order, same keys and indexes, same defaults. A column added there is added here in the same change.
-- The host applies it at start (Sqlite:ApplySchemaOnStart), so every statement must be safe to run again.
--
-- Where SQLite differs, and why:
-- * Times are TEXT, ISO 8601 UTC with exactly six fractional digits and a Z (2030-01-01T08:00:00.123456Z):
--   fixed width, so comparing and sorting the text is comparing and sorting the instants (claims compare
--   scheduled_at and lease_expires_at with the application's "now" this way). Microseconds, as DATETIME(6) keeps.
--   The application writes the times of its own clock; no column has a time default.
-- * JSON columns are TEXT holding the payload exactly as given, so it reads back byte for byte.
-- * Workflow ids are TEXT holding the UUID's 36-character form, as CHAR(36) does.
-- * BIGINT AUTO_INCREMENT ids are INTEGER PRIMARY KEY AUTOINCREMENT: the rowid, never reused, so ids grow with every
--   row as they do in MySQL.
-- * Status columns are TEXT (SQLite does not enforce VARCHAR lengths); the values are GoFlow.Domain.StatusNames.
-- * Columns added after the first release go at the end of their table, where ALTER TABLE ADD COLUMN puts them in a
--   file created before them (SqliteSchemaInitializer does), and where schema.sql has them too.
-- * Foreign keys are enforced because the adapter turns them on for every connection (Foreign Keys=True).

CREATE TABLE IF NOT EXISTS workflow_instances (
    id            TEXT    NOT NULL PRIMARY KEY,
    workflow_name TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    current_input TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    -- The Idempotency-Key of the request that started the workflow, NULL when it came without one, and the SHA-256
    -- (hex) of what that request asked for. Compared byte for byte (SQLite's BINARY collation).
    -- Added after the first release: SqliteSchemaInitializer adds both to a workflow_instances table created without them.
    idempotency_key     TEXT    NULL,
    request_fingerprint TEXT    NULL,
    -- The W3C traceparent of the request that started the workflow, so the spans of its tasks join that trace.
    trace_parent        TEXT    NULL
);

-- At most one workflow per key: two requests with the same key cannot both insert (many NULLs are allowed).
CREATE UNIQUE INDEX IF NOT EXISTS uq_workflow_instances_idempotency_key ON workflow_instances (idempotency_key);

-- The list, newest first (ORDER BY created_at DESC, id DESC), one page at a time: each of these reads a page straight
-- from the index, starting after the last row of the previous page. Unfiltered; by status; by workflow name.
-- The id is spelled out: SQLite appends the rowid to an index, not the id.
CREATE INDEX IF NOT EXISTS idx_workflow_instances_created ON workflow_instances (created_at, id);
CREATE INDEX IF NOT EXISTS idx_workflow_instances_status_created ON workflow_instances (status, created_at, id);
CREATE INDEX IF NOT EXISTS idx_workflow_instances_name_created ON workflow_instances (workflow_name, created_at, id);

-- Serves the retention sweep: finished workflows (by status) that last changed before a cutoff.
CREATE INDEX IF NOT EXISTS idx_workflow_instances_status_updated ON workflow_instances (status, updated_at);

CREATE TABLE IF NOT EXISTS tasks (
    id                   INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    workflow_instance_id TEXT    NOT NULL REFERENCES workflow_instances (id),
    step_index           INTEGER NOT NULL,
    task_name            TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    -- How many times the task was claimed; the attempt now running while RUNNING.
    attempt              INTEGER NOT NULL DEFAULT 0,
    -- How many attempts the task gets in all, the first included (its step's policy when it was created).
    max_attempts         INTEGER NOT NULL DEFAULT 3,
    input_payload        TEXT    NOT NULL,
    output_payload       TEXT    NULL,
    error_message        TEXT    NULL,
    -- The worker that holds the task while it is RUNNING, and until when.
    lease_owner          TEXT    NULL,
    lease_expires_at     TEXT    NULL,
    -- When the task may run: its creation time, or later for a retry that waits out its backoff.
    scheduled_at         TEXT    NOT NULL,
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL,
    -- The worker that ran the task's latest attempt, kept after it finished (lease_owner is cleared then).
    worker_id            TEXT    NULL,
    -- One task per step of a workflow: a completion that ran twice cannot queue the next step twice.
    -- It also serves reading a workflow's tasks in step order, and the foreign key.
    CONSTRAINT uq_tasks_workflow_step UNIQUE (workflow_instance_id, step_index)
);

-- Serves the claim: status = PENDING AND scheduled_at <= now ORDER BY scheduled_at, id.
CREATE INDEX IF NOT EXISTS idx_tasks_claim ON tasks (status, scheduled_at, id);

-- No index for the lease sweep: it reads the RUNNING tasks through idx_tasks_claim (status first), at most a host's
-- concurrency of them, every Worker:RecoveryInterval. An earlier release's idx_tasks_lease (status, lease_expires_at)
-- changed with every claim, completion, hand-over and lease renewal; the start-up step drops it (ADR 0029, as on MySQL).

CREATE TABLE IF NOT EXISTS activity_logs (
    id                   INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    workflow_instance_id TEXT    NOT NULL REFERENCES workflow_instances (id),
    -- The task the row is about; NULL for a row about the whole workflow (WORKFLOW_CREATED, WORKFLOW_COMPLETED, ...).
    task_id              INTEGER NULL,
    action               TEXT    NOT NULL,
    details              TEXT    NULL,
    created_at           TEXT    NOT NULL
);

-- Serves reading one workflow's log oldest first (by id, the insertion order), and the foreign key.
CREATE INDEX IF NOT EXISTS idx_activity_logs_workflow ON activity_logs (workflow_instance_id, id);

-- What an operator and the schedule runner change about a schedule (see schema.sql): its definition is configuration.
CREATE TABLE IF NOT EXISTS schedule_states (
    name             TEXT    NOT NULL PRIMARY KEY,
    paused           INTEGER NOT NULL,
    last_fire_at     TEXT    NULL,
    last_workflow_id TEXT    NULL,
    updated_at       TEXT    NOT NULL
);

-- The signals delivered to workflows (ADR 0020), as schema.sql's workflow_signals: at most one per workflow and name,
-- the one the step waiting for that name consumes. Created in place in a file made without it.
CREATE TABLE IF NOT EXISTS workflow_signals (
    workflow_instance_id TEXT NOT NULL REFERENCES workflow_instances (id),
    name                 TEXT NOT NULL,
    payload              TEXT NOT NULL,
    idempotency_key      TEXT NULL,
    request_fingerprint  TEXT NULL,
    received_at          TEXT NOT NULL,
    PRIMARY KEY (workflow_instance_id, name)
);
