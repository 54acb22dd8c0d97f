import { createHttpMetrics, type HttpMetrics } from '@pulse/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SegmentsModel } from '../segments/index.js';
import type { RecentItemsModel } from './recent-items.js';
import type { ServingModel } from './recommender.js';

export interface ServiceMetrics {
  http: HttpMetrics;
  /** pulse_segment_changes_published_total{change} */
  published: Counter<'change'>;
  similarityVersions: Counter;
}

/**
 * The modeling service's own metrics, beside the worker's (updates, freshness, checkpoints, lag).
 * Sizes are read when scraped, between events, so they are of one state.
 */
export function createServiceMetrics(
  registry: Registry,
  parts: { segments: SegmentsModel; people: RecentItemsModel; model: () => ServingModel },
): ServiceMetrics {
  new Gauge({
    name: 'pulse_segment_members',
    help: 'Customers in each segment now',
    labelNames: ['segment'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [segment, size] of Object.entries(parts.segments.segments.sizes()))
        this.set({ segment }, size);
    },
  });
  new Gauge({
    name: 'pulse_segment_changes_pending',
    help: 'Segment changes decided but not yet published (they wait for a checkpoint)',
    registers: [registry],
    collect() {
      this.set(parts.segments.pendingChanges.length);
    },
  });
  new Gauge({
    name: 'pulse_recs_items',
    help: 'Items the recommendation model knows',
    registers: [registry],
    collect() {
      this.set(parts.model().knownItems().length);
    },
  });
  new Gauge({
    name: 'pulse_recs_people',
    help: 'People whose recent items are kept for recommendations',
    registers: [registry],
    collect() {
      this.set(parts.people.size);
    },
  });
  const published = new Counter({
    name: 'pulse_segment_changes_published_total',
    help: 'Segment entries and exits published to the segment-changes topic, exactly once each',
    labelNames: ['change'],
    registers: [registry],
  });
  published.inc({ change: 'entered' }, 0);
  published.inc({ change: 'exited' }, 0);
  return {
    http: createHttpMetrics(registry, 'Time to answer a request of the modeling API'),
    published,
    similarityVersions: new Counter({
      name: 'pulse_recs_similarity_versions_total',
      help: 'Versions of item_similarity written to ClickHouse',
      registers: [registry],
    }),
  };
}
