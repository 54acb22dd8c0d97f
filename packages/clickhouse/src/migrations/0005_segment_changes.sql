-- Every segment entry and exit the modeling worker decided, numbered by
-- seq. Replacing on seq so that re-inserting after a restart folds
-- (query with FINAL). Membership with entered and exited times is the view
-- below: each entry paired with the exit that follows it.
CREATE TABLE IF NOT EXISTS {db}.segment_changes
(
    seq        UInt64,
    user_key   String,
    segment    LowCardinality(String),
    change     Enum8('entered' = 1, 'exited' = 2),
    at         DateTime64(3, 'UTC'),
    version    String,
    written_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(written_at)
ORDER BY seq;

CREATE VIEW IF NOT EXISTS {db}.segment_membership AS
SELECT user_key, segment, entered_at, if(next_change = 'exited', next_at, NULL) AS exited_at, version
FROM
(
    SELECT
        user_key,
        segment,
        change,
        at AS entered_at,
        version,
        leadInFrame(toNullable(change)) OVER w AS next_change,
        leadInFrame(toNullable(at)) OVER w AS next_at
    FROM {db}.segment_changes FINAL
    WINDOW w AS (PARTITION BY user_key, segment ORDER BY seq ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)
)
WHERE change = 'entered';
