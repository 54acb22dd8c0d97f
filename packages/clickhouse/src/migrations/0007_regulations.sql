-- The audit trail of deletion and suppression requests (POST /v1/regulations):
-- one row per regulation, subject and part of Pulse that did its share, with
-- when it was done and what it removed. Parts: `ingest` (events and
-- order_items), `modeling` (model state, checkpoints, segment_changes),
-- `trigger` (Redis state, jobs, trigger_decisions). A part that repeats its
-- work (at least once) replaces its row. The subject's id is kept on purpose:
-- it is the record that the request was carried out, as the regulations topic
-- is the list of whom to suppress.
CREATE TABLE IF NOT EXISTS {db}.regulations
(
    regulation_id   String,
    regulation_type LowCardinality(String),
    subject_type    LowCardinality(String),
    subject_id      String,
    linked_to       String,
    requested_at    DateTime64(3, 'UTC'),
    part            LowCardinality(String),
    done_at         DateTime64(3, 'UTC'),
    detail          String
)
ENGINE = ReplacingMergeTree(done_at)
ORDER BY (regulation_id, subject_id, part);

-- One row per regulation and subject: when each part finished (NULL: not yet).
CREATE VIEW IF NOT EXISTS {db}.regulation_status AS
SELECT
    regulation_id,
    any(regulation_type) AS regulation_type,
    subject_type,
    subject_id,
    any(linked_to) AS linked_to,
    min(requested_at) AS requested_at,
    maxIf(toNullable(done_at), part = 'ingest') AS ingest_done_at,
    maxIf(toNullable(done_at), part = 'modeling') AS modeling_done_at,
    maxIf(toNullable(done_at), part = 'trigger') AS trigger_done_at
FROM {db}.regulations FINAL
GROUP BY regulation_id, subject_type, subject_id;
