-- One row per product line of an order or refund, for purchase-based models
-- (item similarity, RFM, value predictions) without parsing JSON at query
-- time. Replacing on the same key as the source so redelivered events fold.
CREATE TABLE IF NOT EXISTS {db}.order_items
(
    message_id String,
    line       UInt16,
    event      LowCardinality(String),
    user_key   String,
    order_id   String,
    product_id String,
    name       String,
    quantity   Float64,
    price      Float64,
    timestamp  DateTime64(3, 'UTC'),
    ingested_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(timestamp)
ORDER BY (user_key, order_id, message_id, line);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.order_items_mv TO {db}.order_items AS
SELECT
    message_id,
    toUInt16(line_number) AS line,
    event,
    user_key,
    JSONExtractString(properties, 'order_id') AS order_id,
    if(JSONHas(item, 'product_id'), JSONExtractString(item, 'product_id'), JSONExtractString(item, 'sku')) AS product_id,
    JSONExtractString(item, 'name') AS name,
    JSONExtractFloat(item, 'quantity') AS quantity,
    JSONExtractFloat(item, 'price') AS price,
    timestamp,
    ingested_at
FROM {db}.events
ARRAY JOIN
    JSONExtractArrayRaw(properties, 'products') AS item,
    arrayEnumerate(JSONExtractArrayRaw(properties, 'products')) AS line_number
WHERE type = 'track' AND event IN ('Order Completed', 'Order Refunded');
