import { recsBenchEvents } from './recs-events.js';
import { benchBytesPerPair } from './recs-memory.js';
import { benchSimilarityRatio } from './recs-similarity.js';

/** The recommendation figures of `pulse bench` (pure computation: no Kafka, no ClickHouse). */
export async function benchRecs(env: Record<string, string | undefined>): Promise<Record<string, number>> {
  const events = await recsBenchEvents(env['PULSE_DATA_DIR'] || undefined);
  return { ...benchBytesPerPair(events), ...benchSimilarityRatio(events) };
}
