-- Item-to-item neighbours as the modeling worker served them, one
-- partition per version. A version is complete once its row is in
-- item_similarity_versions (written after all its rows), so readers take
-- the newest complete version and never see a half-written one; old
-- versions are dropped by partition.
CREATE TABLE IF NOT EXISTS {db}.item_similarity
(
    version   UInt64,
    item      String,
    rank      UInt16,
    neighbour String,
    score     Float64,
    source    LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY version
ORDER BY (version, item, rank);

CREATE TABLE IF NOT EXISTS {db}.item_similarity_versions
(
    version    UInt64,
    model      LowCardinality(String),
    items      UInt64,
    pairs      UInt64,
    events     UInt64,
    written_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(written_at)
ORDER BY version;
