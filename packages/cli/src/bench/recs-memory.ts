import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Interaction, ItemCooccurrence } from '@pulse/modeling';

/**
 * `bytes_per_pair`: heap and array-buffer bytes the co-occurrence state holds, after a full garbage
 * collection, divided by the (item, neighbour) entries it tracks. Everything the state holds counts
 * (item ids and counters, open baskets, lists, index slots), so the figure is an upper bound of what
 * one more tracked pair costs.
 */
export async function benchBytesPerPair(events: readonly Interaction[]): Promise<Record<string, number>> {
  const gc = exposeGc();
  await settle(gc);
  const before = used();
  const model = new ItemCooccurrence();
  for (const x of events) model.learn(x);
  await settle(gc);
  const bytes = used() - before;
  return {
    bytes_per_pair: Math.round(bytes / model.trackedEntries),
    recs_tracked_pairs: model.trackedEntries,
  };
}

/**
 * A full collection, twice, with a pause between: the backing stores of dead ArrayBuffers (the
 * doubling arrays leave many) are released by a background task after the collection, and reading
 * memory before that made the figure swing between 33 and 97 bytes from run to run.
 */
export async function settle(gc: () => void): Promise<void> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
}

function used(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** global.gc without starting node with --expose-gc. */
export function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
