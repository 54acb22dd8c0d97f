-- One row per decision of the trigger service: sent, held_out, capped,
-- suppressed, failed, converted (an abandoned cart that ended in an order),
-- not_in_audience, inactive. Replacing on (campaign, person, occasion) so a
-- retried job's repeated decision folds, and a failure that was retried
-- into a send keeps the latest outcome (query with FINAL).
CREATE TABLE IF NOT EXISTS {db}.trigger_decisions
(
    campaign_id      LowCardinality(String),
    person           String,
    occasion         String,
    job_id           String,
    outcome          LowCardinality(String),
    reason           String,
    variant          LowCardinality(String),
    channel          LowCardinality(String),
    event_message_id String,
    event_time       DateTime64(3, 'UTC'),
    decided_at       DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(decided_at)
PARTITION BY toYYYYMM(decided_at)
ORDER BY (campaign_id, person, occasion);
