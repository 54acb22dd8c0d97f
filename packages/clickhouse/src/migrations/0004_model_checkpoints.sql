-- The modeling worker's state, written whole with the Kafka offsets it
-- reflects, so that a restart resumes exactly where the state ends: records
-- below these offsets are already counted, records above are not.
CREATE TABLE IF NOT EXISTS {db}.model_checkpoints
(
    worker     String,
    version    UInt64,
    offsets    String,
    state      String CODEC(ZSTD(1)),
    events     UInt64,
    created_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (worker, version);
