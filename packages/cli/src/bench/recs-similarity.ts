import { type Interaction, ItemCooccurrence } from '@pulse/modeling';

const WINDOW = 20;

/**
 * `similarity_ratio`: events per second through the co-occurrence update (interning, baskets,
 * decay, directed neighbour lists, pruning) divided by those of a bare loop over the same events
 * that pairs each with the same window of its session's recent items and only increments a count
 * per pair in a Map: the least any item-to-item counting must do. Same process, same events,
 * alternated rounds, the median of each.
 */
export function benchSimilarityRatio(events: readonly Interaction[], rounds = 5): Record<string, number> {
  const model: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < rounds; round++) {
    model.push(rate(events, () => updateModel(events)));
    bare.push(rate(events, () => bareLoop(events)));
  }
  const modelRate = median(model);
  const bareRate = median(bare);
  return {
    similarity_ratio: Math.round((modelRate / bareRate) * 100) / 100,
    similarity_events_per_s: Math.round(modelRate),
    similarity_baseline_events_per_s: Math.round(bareRate),
  };
}

function updateModel(events: readonly Interaction[]): number {
  const model = new ItemCooccurrence({ window: WINDOW });
  for (const x of events) model.learn(x);
  return model.trackedEntries;
}

function bareLoop(events: readonly Interaction[]): number {
  const counts = new Map<number, number>();
  const recent = new Map<string, number[]>();
  for (const x of events) {
    const item = Number(x.item);
    let list = recent.get(x.session);
    if (list === undefined) {
      list = [];
      recent.set(x.session, list);
    }
    for (const other of list) {
      const key = item * 262_144 + other;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    list.push(item);
    if (list.length > WINDOW) list.shift();
  }
  return counts.size;
}

function rate(events: readonly Interaction[], run: () => number): number {
  const started = performance.now();
  const size = run();
  const seconds = (performance.now() - started) / 1000;
  // Keeps the work observable so that nothing is optimised away.
  if (size <= 0) throw new Error('the bench counted no pairs');
  return events.length / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
