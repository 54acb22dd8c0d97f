export interface OverloadTally {
  /** Events in batches the collector answered 200. */
  acknowledged: number;
  /** Acknowledged events not in ClickHouse after ingest drained: must be 0. */
  acceptedLost: number;
  /** Events in ClickHouse, acknowledged or not. */
  stored: number;
  /** Stored events of batches not acknowledged (a client gave up, or Kafka answered after the timeout). */
  storedUnacknowledged: number;
}

/**
 * Compares what the collector acknowledged, as ranges [from, to) of batch
 * numbers, with the distinct events stored per batch number.
 */
export function tallyOverload(
  acknowledgedBatches: ReadonlyArray<readonly [number, number]>,
  storedPerBatch: ReadonlyMap<number, number>,
  batchSize: number,
): OverloadTally {
  const acked = new Set<number>();
  for (const [from, to] of acknowledgedBatches) for (let b = from; b < to; b++) acked.add(b);
  let acceptedLost = 0;
  for (const b of acked) acceptedLost += batchSize - Math.min(batchSize, storedPerBatch.get(b) ?? 0);
  let stored = 0;
  let storedUnacknowledged = 0;
  for (const [b, n] of storedPerBatch) {
    stored += n;
    if (!acked.has(b)) storedUnacknowledged += n;
  }
  return { acknowledged: acked.size * batchSize, acceptedLost, stored, storedUnacknowledged };
}
