import { performance } from 'node:perf_hooks';
import {
  activityFromTrack,
  type CustomerActivity,
  EXAMPLE_SEGMENT_RULES,
  loadRetailActivities,
  SegmentEngine,
} from '@pulse/modeling';

/**
 * Online Retail's orders and refunds as the pipeline stores them, plus one Product Viewed per product
 * line a minute apart before each order (the shop's browsing is not in the data; views are what rule
 * segments mostly count), in time order.
 */
export async function retailStreamWithViews(dataDir?: string): Promise<CustomerActivity[]> {
  const { activities } = await loadRetailActivities(dataDir);
  const stream: CustomerActivity[] = [];
  for (const order of activities) {
    if (order.kind === 'order') {
      order.productIds.forEach((productId, i) => {
        const view = activityFromTrack({
          userId: order.identified ? order.userKey : '',
          anonymousId: order.identified ? '' : order.userKey,
          messageId: `${order.messageId}-view-${i}`,
          event: 'Product Viewed',
          timeMs: order.timeMs - (order.productIds.length - i) * 60_000,
          properties: { product_id: productId },
        });
        if (view.kind === 'activity') stream.push(view.activity);
      });
    }
    stream.push(order);
  }
  return stream.sort((a, b) => a.timeMs - b.timeMs);
}

/**
 * segment_update_events_per_s: events per second through the incremental path the worker runs per
 * event (dedup, profiles, rule windows and their expiries, RFM rescoring and its daily quintile
 * refresh, trait hand-over). Cluster refits are scheduled work, not per event, and are left out.
 */
export async function benchSegmentUpdates(dataDir?: string): Promise<Record<string, number>> {
  const stream = await retailStreamWithViews(dataDir);
  const engine = new SegmentEngine({ rules: EXAMPLE_SEGMENT_RULES, clusterRefreshEveryMs: null });
  let changes = 0;
  const started = performance.now();
  for (const activity of stream) changes += engine.apply(activity).length;
  const seconds = (performance.now() - started) / 1000;
  return {
    segment_update_events_per_s: Math.round(stream.length / seconds),
    segment_update_events: stream.length,
    segment_update_changes: changes,
  };
}
