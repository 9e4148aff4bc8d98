-- GoFlow's canonical schema, for MySQL 8.0+ and MariaDB 10.6+.
-- The host applies it at start (MySql:ApplySchemaOnStart), so every statement must be safe to run again.
-- The original engine's table and column names are kept; lease, attempt, error, step and scheduling columns are added.
--
-- Conventions:
-- * Times are UTC with microseconds, DATETIME(6). The application writes the times of its own clock (TimeProvider);
--   nothing here reads the database clock, so no column has a time default.
-- * Status columns are VARCHAR(16), not ENUM, so that a later status needs no ALTER TABLE (CANCELLED needed none).
--   The values are GoFlow.Domain.StatusNames: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, and for a task
--   WAITING (a signal step waiting for its signal, due at its timeout; ADR 0020).
-- * Workflow ids are version 7 UUIDs in their 36-character text form: time-ordered, so inserts land at the end of
--   the primary key. The column is ASCII because a UUID needs no more, which keeps every key that holds it short.
-- * Ids that grow with every task or log row are BIGINT AUTO_INCREMENT.

CREATE TABLE IF NOT EXISTS workflow_instances (
    id            CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    workflow_name VARCHAR(255) NOT NULL,
    status        VARCHAR(16)  NOT NULL,
    current_input JSON         NOT NULL,
    created_at    DATETIME(6)  NOT NULL,
    updated_at    DATETIME(6)  NOT NULL,
    -- The Idempotency-Key of the request that started the workflow, NULL when it came without one, and the SHA-256
    -- (hex) of what that request asked for, to tell a repeated request from a different one under the same key.
    -- Compared byte for byte (utf8mb4_bin), so keys that differ only in case are different keys. utf8mb4_bin pads
    -- with spaces when comparing, so a key and the same key with trailing spaces would collide; HTTP trims those.
    -- Added after the first release: MySqlSchemaInitializer adds both to a workflow_instances table created without them.
    idempotency_key     VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    request_fingerprint CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    -- The W3C traceparent of the request that started the workflow (55 characters), so the spans of its tasks join
    -- that trace. Added after the first release, like the two columns above.
    trace_parent        VARCHAR(55) CHARACTER SET ascii COLLATE ascii_bin NULL,
    PRIMARY KEY (id),
    -- At most one workflow per key: two requests with the same key cannot both insert (many NULLs are allowed).
    UNIQUE KEY uq_workflow_instances_idempotency_key (idempotency_key),
    -- The list, newest first (ORDER BY created_at DESC, id DESC), one page at a time: each of these reads a page
    -- straight from the index, starting after the last row of the previous page, so a late page costs what the first
    -- does. Unfiltered; filtered by status; filtered by workflow name. A created_at range narrows the same scan.
    KEY idx_workflow_instances_created (created_at, id),
    KEY idx_workflow_instances_status_created (status, created_at, id),
    KEY idx_workflow_instances_name_created (workflow_name, created_at, id),
    -- Serves the retention sweep: finished workflows (by status) that last changed before a cutoff.
    KEY idx_workflow_instances_status_updated (status, updated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tasks (
    id                   BIGINT       NOT NULL AUTO_INCREMENT,
    workflow_instance_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    step_index           INT          NOT NULL,
    task_name            VARCHAR(255) NOT NULL,
    status               VARCHAR(16)  NOT NULL,
    -- How many times the task was claimed; the attempt now running while RUNNING.
    attempt              INT          NOT NULL DEFAULT 0,
    -- How many attempts the task gets in all (its step's policy, fixed when the task is created); when the attempt
    -- that fails or whose lease expires is the last, the task and its workflow fail for good.
    -- Added after the first release: MySqlSchemaInitializer adds it to a tasks table created without it.
    max_attempts         INT          NOT NULL DEFAULT 3,
    input_payload        JSON         NOT NULL,
    output_payload       JSON         NULL,
    error_message        TEXT         NULL,
    -- The worker that holds the task while it is RUNNING, and until when.
    lease_owner          VARCHAR(100) NULL,
    lease_expires_at     DATETIME(6)  NULL,
    -- When the task may run: its creation time, or later for a retry that waits out its backoff.
    scheduled_at         DATETIME(6)  NOT NULL,
    created_at           DATETIME(6)  NOT NULL,
    updated_at           DATETIME(6)  NOT NULL,
    -- The worker that ran the task's latest attempt, kept after it finished (lease_owner is cleared then): which host
    -- ran it, and what a completion retried after a lost acknowledgement recognises its own commit by.
    -- Added after the first release: MySqlSchemaInitializer adds it to a tasks table created without it.
    worker_id            VARCHAR(100) NULL,
    PRIMARY KEY (id),
    -- One task per step of a workflow: a completion that ran twice cannot queue the next step twice.
    -- It also serves reading a workflow's tasks in step order, and the foreign key below.
    UNIQUE KEY uq_tasks_workflow_step (workflow_instance_id, step_index),
    -- Serves the claim: status = PENDING AND scheduled_at <= now ORDER BY scheduled_at, id ... FOR UPDATE SKIP LOCKED
    -- reads the due tasks in order straight from this index and locks only the rows it returns.
    -- It also serves the recovery sweep's first read, which locks nothing (status = RUNNING AND lease_expires_at < now):
    -- the RUNNING entries are the tasks held right now, at most the workers' concurrency, so it reads them all and sorts
    -- the expired ones; the sweep then locks the ids it picked by primary key. A second index on
    -- (status, lease_expires_at) would be written by every claim, completion and hand-over, three to four times per
    -- task step, for a sweep that runs a few times a minute; an earlier release's idx_tasks_lease is dropped
    -- (MySqlSchemaInitializer, ADR 0029).
    KEY idx_tasks_claim (status, scheduled_at, id),
    CONSTRAINT fk_tasks_workflow_instance
        FOREIGN KEY (workflow_instance_id) REFERENCES workflow_instances (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS activity_logs (
    id                   BIGINT      NOT NULL AUTO_INCREMENT,
    workflow_instance_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- The task the row is about; NULL for a row about the whole workflow (WORKFLOW_CREATED, WORKFLOW_COMPLETED, ...).
    task_id              BIGINT      NULL,
    action               VARCHAR(64) NOT NULL,
    details              JSON        NULL,
    created_at           DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    -- Serves reading one workflow's log oldest first (by id, the insertion order), and the foreign key below.
    KEY idx_activity_logs_workflow (workflow_instance_id, id),
    CONSTRAINT fk_activity_logs_workflow_instance
        FOREIGN KEY (workflow_instance_id) REFERENCES workflow_instances (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- What an operator and the schedule runner change about a schedule; its definition is configuration (the Schedules
-- section), so a schedule without a row here is running and has not fired. Added after the first release: the
-- statement above creates it in a database made without it. Each fire's workflow is kept unique by the
-- idempotency key of workflow_instances ("schedule:<name>:<fire time>"), not by this table (ADR 0018).
CREATE TABLE IF NOT EXISTS schedule_states (
    name             VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    paused           BOOLEAN      NOT NULL,
    -- The latest fire handled, started or skipped: the runner looks for due fires after it.
    last_fire_at     DATETIME(6)  NULL,
    -- The workflow the latest started fire made, which the overlap policy reads; no foreign key, as retention may
    -- delete that workflow (a deleted workflow has finished).
    last_workflow_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
    updated_at       DATETIME(6)  NOT NULL,
    PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The signals delivered to workflows (ADR 0020): at most one per workflow and name, the one the step waiting for that
-- name consumes as its output. A signal may come before its step is reached; it waits here. Added after the first
-- release: the statement above creates it in a database made without it. Retention deletes a workflow's signals
-- with it. The name is ASCII (GoFlow.Domain.StepSignal's rule), compared byte for byte; the key and fingerprint are
-- as workflow_instances' (the request that delivered the signal, NULL without an Idempotency-Key).
CREATE TABLE IF NOT EXISTS workflow_signals (
    workflow_instance_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name                 VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    payload              JSON         NOT NULL,
    idempotency_key      VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    request_fingerprint  CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    received_at          DATETIME(6)  NOT NULL,
    PRIMARY KEY (workflow_instance_id, name),
    CONSTRAINT fk_workflow_signals_workflow_instance
        FOREIGN KEY (workflow_instance_id) REFERENCES workflow_instances (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
