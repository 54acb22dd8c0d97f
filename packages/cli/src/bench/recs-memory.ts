import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Interaction, ItemCooccurrence } from '@pulse/modeling';

/**
 * `bytes_per_pair`: heap and array-buffer bytes the co-occurrence state holds, after a full garbage
 * collection, divided by the (item, neighbour) entries it tracks. Everything the state holds counts
 * (item ids and counters, open baskets, lists, index slots), so the figure is an upper bound of what
 * one more tracked pair costs.
 */
export function benchBytesPerPair(events: readonly Interaction[]): Record<string, number> {
  const gc = exposeGc();
  gc();
  const before = used();
  const model = new ItemCooccurrence();
  for (const x of events) model.learn(x);
  gc();
  const bytes = used() - before;
  return {
    bytes_per_pair: Math.round(bytes / model.trackedEntries),
    recs_tracked_pairs: model.trackedEntries,
  };
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
