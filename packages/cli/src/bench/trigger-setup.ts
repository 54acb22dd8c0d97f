import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIG_ORDER_CAMPAIGN = 'bench-big-order';
export const ENQUEUE_CAMPAIGN = 'bench-enqueue';
export const ENQUEUE_EVENT = 'Bench Enqueued';
export const BENCH_SECRET = 'pulse-bench-webhook-secret-0123';

/**
 * The bench's two campaigns: orders over 100 to the signed-webhook
 * receiver (the background load's orders are all below 100, so only the
 * marked events fire it), and one on an event only the enqueue part sends,
 * whose audience nobody is in, so its occasions are decided without sends.
 */
export function writeBenchCampaigns(receiverUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-campaigns-'));
  const bigOrder = {
    id: BIG_ORDER_CAMPAIGN,
    trigger: {
      kind: 'event',
      event: 'Order Completed',
      where: [{ field: 'properties.revenue', op: 'gt', value: 100 }],
    },
    // The default per-endpoint limit (50/s) and cap (1 a day) would measure the limiter, not the path.
    channel: { type: 'webhook', url: receiverUrl, rateLimit: { max: 10_000, perSeconds: 1 } },
    frequencyCap: { max: 1000, windowHours: 1 },
    variants: [{ name: 'thanks', template: { receivedAt: '{{event.received_at}}' } }],
  };
  const enqueue = {
    id: ENQUEUE_CAMPAIGN,
    trigger: { kind: 'event', event: ENQUEUE_EVENT },
    audience: { traits: [{ field: 'traits.pulse_bench_never_set', op: 'exists' }] },
    channel: { type: 'log' },
    frequencyCap: { max: 1000, windowHours: 1 },
    variants: [{ name: 'a', template: {} }],
  };
  writeFileSync(join(dir, 'bench.json'), JSON.stringify([bigOrder, enqueue]));
  return dir;
}

/**
 * The trigger service's environment for a bench run: its own group, BullMQ prefix and chdb directory
 * (spawnService gives it a metrics port).
 */
export function triggerEnv(o: {
  runEnv: Record<string, string | undefined>;
  prefix: string;
  queuePrefix: string;
  campaignsDir: string;
  chdbPath: string;
}): Record<string, string | undefined> {
  return {
    ...o.runEnv,
    TRIGGER_LOG_LEVEL: 'error',
    TRIGGER_API_PORT: '0',
    TRIGGER_GROUP_ID: `${o.prefix}-trigger`,
    TRIGGER_FROM_BEGINNING: 'true',
    TRIGGER_QUEUE_PREFIX: o.queuePrefix,
    TRIGGER_CAMPAIGNS_DIR: o.campaignsDir,
    TRIGGER_WEBHOOK_SECRET: BENCH_SECRET,
    // The bench's receiver listens on this machine.
    TRIGGER_ALLOW_PRIVATE_WEBHOOKS: 'true',
    TRIGGER_DAILY_CAP: '0',
    TRIGGER_CHDB_PATH: o.chdbPath,
  };
}
