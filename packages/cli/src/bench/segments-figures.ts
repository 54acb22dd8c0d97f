import { benchKMeans } from './segments-kmeans.js';
import { benchSegmentUpdates } from './segments-updates.js';

/** The segments figures of `pulse bench` (pure computation: no Kafka, no ClickHouse). */
export async function benchSegments(
  env: Record<string, string | undefined>,
): Promise<Record<string, number>> {
  const dataDir = env['PULSE_DATA_DIR'];
  return { ...benchKMeans(), ...(await benchSegmentUpdates(dataDir || undefined)) };
}
