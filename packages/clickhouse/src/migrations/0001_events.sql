-- Every accepted event, one row per messageId once merged (query with FINAL
-- for exact counts): redelivered Kafka messages insert the same row again and
-- ReplacingMergeTree folds them on the sorting key, which ends in message_id.
-- The key starts with type and event (per-event-type queries), then user_key
-- (one person's history); months partition the table for retention and
-- deletion.
CREATE TABLE IF NOT EXISTS {db}.events
(
    message_id         String,
    type               LowCardinality(String),
    event              LowCardinality(String),
    user_id            String,
    anonymous_id       String,
    user_key           String,
    timestamp          DateTime64(3, 'UTC'),
    original_timestamp Nullable(DateTime64(3, 'UTC')),
    sent_at            Nullable(DateTime64(3, 'UTC')),
    received_at        DateTime64(3, 'UTC'),
    source_id          LowCardinality(String),
    name               String,
    category           LowCardinality(String),
    group_id           String,
    previous_id        String,
    properties         String CODEC(ZSTD(1)),
    traits             String CODEC(ZSTD(1)),
    context            String CODEC(ZSTD(1)),
    integrations       String,
    extra              String,
    ingested_at        DateTime64(3, 'UTC') DEFAULT now64(3),
    -- The e-commerce fields that marketing queries filter on, kept as columns.
    order_id           String MATERIALIZED JSONExtractString(properties, 'order_id'),
    revenue            Nullable(Float64) MATERIALIZED JSONExtract(properties, 'revenue', 'Nullable(Float64)'),
    total              Nullable(Float64) MATERIALIZED JSONExtract(properties, 'total', 'Nullable(Float64)'),
    currency           LowCardinality(String) MATERIALIZED JSONExtractString(properties, 'currency'),
    product_id         String MATERIALIZED JSONExtractString(properties, 'product_id'),
    INDEX idx_user_key user_key TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_message_id message_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(timestamp)
ORDER BY (type, event, user_key, message_id);
