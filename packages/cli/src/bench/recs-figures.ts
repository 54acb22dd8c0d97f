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
  const computation = await benchComputation(dataDir);
  // The API runs in processes of its own (recs-api-server.ts, recs-api-load.ts).
  return { ...computation, ...(await benchRecsApiLatency(dataDir)) };
}

async function benchComputation(dataDir: string | undefined): Promise<Record<string, number>> {
  const events = await recsBenchEvents(dataDir);
  return { ...(await benchBytesPerPair(events)), ...benchSimilarityRatio(events) };
}
