import { createLogger, sleep } from '@pulse/common';
import { afterEach, describe, expect, it } from 'vitest';
import {
  campaign,
  decisionRows,
  eventually,
  SECRET,
  settled,
  stored,
  triggerTestSetup,
} from '../integration/trigger-harness.js';
import { type FaultyEndpoint, startFaultyEndpoint } from '../support/faulty-endpoint.js';

// One campaign's webhook endpoint fails for a while, half its requests hanging past the timeout and
// half answered 500, while another campaign on the same events sends to a healthy endpoint. The
// failing deliveries are retried with backoff, then kept in the failed set (seen through the
// campaign API); the other campaign's actions keep arriving without waiting for them. Once the
// endpoint works again, retrying the failed set delivers each action once.

const { harness } = triggerTestSetup();
const ORDERS = 30;
const TIMEOUT_MS = 1000;
const ATTEMPTS = 3;
const endpoints: FaultyEndpoint[] = [];
afterEach(async () => {
  for (const e of endpoints.splice(0)) await e.close();
});

const order = (person: string) =>
  stored({
    type: 'track',
    event: 'Order Completed',
    userId: person,
    messageId: `${person}-order`,
    timestamp: new Date().toISOString(),
    properties: { order_id: `o-${person}` },
  });

interface FailedDelivery {
  id: string;
  person: string;
  reason: string;
  attempts: number;
}

describe('a webhook endpoint slow or failing for a while', () => {
  it('retries, then keeps the actions in the failed set while other campaigns flow; a retry sends each once', async () => {
    const h = harness();
    const healthy = await h.receiver();
    const behind = await h.receiver();
    let broken = true;
    const endpoint = await startFaultyEndpoint(behind.url, (body) => {
      if (!broken) return 'forward';
      const person = String((JSON.parse(body) as { person: unknown }).person);
      return Number(person.split('-').at(-1)) % 2 === 0
        ? { status: 504, delayMs: TIMEOUT_MS + 500 }
        : { status: 500, delayMs: 0 };
    });
    endpoints.push(endpoint);
    const trigger = await h.start(
      [
        campaign({
          id: 'steady',
          trigger: { kind: 'event', event: 'Order Completed' },
          channel: { type: 'webhook', url: healthy.url },
        }),
        campaign({
          id: 'flaky',
          trigger: { kind: 'event', event: 'Order Completed' },
          channel: { type: 'webhook', url: endpoint.url },
        }),
      ],
      {
        webhook: {
          secret: SECRET,
          timeoutMs: TIMEOUT_MS,
          attempts: ATTEMPTS,
          backoffMs: 200,
          allowPrivate: true,
        },
      },
      // Each failed action logs a warning: expected here.
      { logger: createLogger({ service: 'trigger-test', level: 'error' }) },
    );
    const api = async <T>(method: 'GET' | 'POST', url: string): Promise<T> => {
      const res = await trigger.api.inject({ method, url });
      expect(res.statusCode).toBe(200);
      return res.json<T>();
    };
    const failedSet = async () =>
      (await api<{ failed: FailedDelivery[] }>('GET', '/campaigns/flaky/failed')).failed;

    // Orders arrive one every 100 ms while the endpoint fails.
    const people = Array.from({ length: ORDERS }, (_, i) => `buyer-${i}`);
    const producedAt = new Map<string, number>();
    for (const person of people) {
      producedAt.set(person, Date.now());
      await h.produce([order(person)]);
      await sleep(100);
    }
    const failed = await eventually(
      'every flaky delivery in the failed set',
      async () => {
        const list = await failedSet();
        return list.length === ORDERS ? list : undefined;
      },
      90_000,
    );

    // The healthy campaign went on meanwhile: each action once, none waiting behind the failing
    // endpoint (whose actions each took at least TIMEOUT_MS per attempt to fail).
    expect(healthy.received.map((r) => String(r.payload['person'])).sort()).toEqual([...people].sort());
    expect(healthy.duplicates).toBe(0);
    const latencies = healthy.received.map(
      (r) => r.receivedAt - producedAt.get(String(r.payload['person']))!,
    );
    expect(Math.max(...latencies)).toBeLessThan(TIMEOUT_MS);

    // The failing one: every attempt made, with backoff, then kept with the reason.
    expect(behind.received).toEqual([]);
    expect(endpoint.faulted).toBe(ORDERS * ATTEMPTS);
    expect(failed.map((f) => f.person).sort()).toEqual([...people].sort());
    for (const f of failed) {
      expect(f.attempts).toBe(ATTEMPTS);
      expect(f.reason).toMatch(
        Number(f.person.split('-').at(-1)) % 2 === 0 ? /unreachable: .*(timeout|abort)/i : /answered 500/,
      );
    }
    await settled(h, trigger);
    const outcomes = async () =>
      (await decisionRows(h, trigger)).map((r) => `${r.campaign_id}:${r.outcome}`).sort();
    expect(await outcomes()).toEqual(
      [...Array(ORDERS).fill('flaky:failed'), ...Array(ORDERS).fill('steady:sent')].sort(),
    );

    // The endpoint recovers; the failed set is sent again, each action once.
    broken = false;
    expect(await api<{ retried: number; errors: string[] }>('POST', '/campaigns/flaky/failed/retry')).toEqual(
      {
        retried: ORDERS,
        errors: [],
      },
    );
    await eventually('the retried deliveries', () => (behind.received.length === ORDERS ? true : undefined));
    await settled(h, trigger);
    await sleep(1000);
    expect(behind.received.map((r) => String(r.payload['person'])).sort()).toEqual([...people].sort());
    expect(behind.duplicates).toBe(0);
    expect(await failedSet()).toEqual([]);
    expect(await outcomes()).toEqual(
      [...Array(ORDERS).fill('flaky:sent'), ...Array(ORDERS).fill('steady:sent')].sort(),
    );
  }, 120_000);
});
