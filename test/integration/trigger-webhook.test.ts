import { describe, expect, it } from 'vitest';
import { campaign, decisionRows, eventually, settled, stored, triggerTestSetup } from './trigger-harness.js';

const { harness } = triggerTestSetup();

const order = (userId: string, n = 1) =>
  stored({
    type: 'track',
    event: 'Order Completed',
    userId,
    messageId: `${userId}-order-${n}`,
    timestamp: new Date().toISOString(),
    properties: { order_id: `${userId}-${n}` },
  });

describe('webhook channel', () => {
  it('retries transient failures with backoff and delivers once', async () => {
    const h = harness();
    const receiver = await h.receiver((_action, attempt) => (attempt < 3 ? 503 : 200));
    const trigger = await h.start(
      [
        campaign({
          id: 'flaky',
          trigger: { kind: 'event', event: 'Order Completed' },
          channel: { type: 'webhook', url: receiver.url },
        }),
      ],
      {
        webhook: {
          secret: 'test-webhook-secret-0123456789',
          timeoutMs: 2000,
          attempts: 5,
          backoffMs: 50,
          allowPrivate: true,
        },
      },
    );
    await h.produce([order('ann')]);
    await eventually('the third attempt to succeed', () =>
      receiver.received.length === 1 ? true : undefined,
    );
    await settled(h, trigger);
    const [queue] = [...trigger.deliveryQueues.values()];
    const job = await queue?.getJob(receiver.received[0]?.id ?? '');
    expect(job?.attemptsMade).toBe(3);
    expect(await job?.getState()).toBe('completed');
    expect((await decisionRows(h, trigger)).map((r) => r.outcome)).toEqual(['sent']);
  });

  it('keeps a refused delivery in the failed set, records the failure, and sends it when retried', async () => {
    const h = harness();
    let refuse = true;
    const receiver = await h.receiver(() => (refuse ? 422 : 200));
    const trigger = await h.start([
      campaign({
        id: 'refused',
        trigger: { kind: 'event', event: 'Order Completed' },
        channel: { type: 'webhook', url: receiver.url },
      }),
    ]);
    await h.produce([order('bob')]);
    const [queue] = [...trigger.deliveryQueues.values()];
    const failed = await eventually('a failed job', async () => {
      const jobs = (await queue?.getFailed()) ?? [];
      return jobs.length > 0 ? jobs : undefined;
    });
    expect(failed).toHaveLength(1);
    // A 4xx is permanent: one attempt, no retries.
    expect(failed[0]?.attemptsMade).toBe(1);
    expect(failed[0]?.failedReason).toMatch(/answered 422/);
    const before = await eventually('the failure in ClickHouse', async () => {
      const rows = await decisionRows(h, trigger);
      return rows.length > 0 ? rows : undefined;
    });
    expect(before.map((r) => [r.outcome, r.reason])).toEqual([
      ['failed', expect.stringMatching(/answered 422/)],
    ]);

    refuse = false;
    await failed[0]?.retry('failed');
    await eventually('the retried delivery', () => (receiver.received.length === 1 ? true : undefined));
    const after = await eventually('the send in ClickHouse', async () => {
      const rows = await decisionRows(h, trigger);
      return rows[0]?.outcome === 'sent' ? rows : undefined;
    });
    expect(after).toHaveLength(1);
  });

  it('rate-limits each endpoint with BullMQ’s limiter', async () => {
    const h = harness();
    const receiver = await h.receiver();
    const trigger = await h.start([
      campaign({
        id: 'limited',
        trigger: { kind: 'event', event: 'Order Completed' },
        frequencyCap: { max: 100, windowHours: 1 },
        channel: { type: 'webhook', url: receiver.url, rateLimit: { max: 2, perSeconds: 0.5 } },
      }),
    ]);
    await h.produce(Array.from({ length: 8 }, (_, i) => order(`p${i}`)));
    await eventually('8 webhooks', () => (receiver.received.length === 8 ? true : undefined));
    await settled(h, trigger);
    // At most 2 per 500 ms window (BullMQ's windows are fixed, so two windows' bursts may touch):
    // 8 deliveries span at least 3 windows after the first, and no 450 ms hold more than 4.
    const times = receiver.received.map((r) => r.receivedAt).sort((a, b) => a - b);
    expect((times[7] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(1400);
    for (let i = 4; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 4] ?? 0)).toBeGreaterThanOrEqual(450);
    }
  });
});
