import { benchRecsApiLatency } from './recs-api-latency.js';
import { recsBenchEvents } from './recs-events.js';
import { benchBytesPerPair } from './recs-memory.js';
import { benchSimilarityRatio } from './recs-similarity.js';

/**
 * The recommendation figures of `pulse bench`: pure computation (no Kafka, no ClickHouse), and the
 * API's latency under load from a second process.
 */
export async function benchRecs(env: Record<string, string | undefined>): Promise<Record<string, number>> {
  const dataDir = env['PULSE_DATA_DIR'] || undefined;
  // The API first, in a heap that holds what a running service holds: after the computation figures
  // it ran in a heap their models had left fragmented, and its p99 doubled.
  const api = await benchRecsApiLatency(dataDir);
  return { ...(await benchComputation(dataDir)), ...api };
}

async function benchComputation(dataDir: string | undefined): Promise<Record<string, number>> {
  const events = await recsBenchEvents(dataDir);
  return { ...benchBytesPerPair(events), ...benchSimilarityRatio(events) };
}
