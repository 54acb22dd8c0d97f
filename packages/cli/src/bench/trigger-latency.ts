import type { WebhookReceiver } from '@pulse/trigger';

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no values');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/**
 * Posts `count` marked orders (revenue over 100, one person each so no cap
 * applies) to the collector, one every `everyMs`, while the background load
 * runs. Returns the message ids the collector acknowledged, with when.
 */
export async function sendMarkedOrders(o: {
  collectorUrl: string;
  writeKey: string;
  runId: string;
  count: number;
  everyMs: number;
}): Promise<Map<string, number>> {
  const auth = `Basic ${Buffer.from(`${o.writeKey}:`).toString('base64')}`;
  const acknowledged = new Map<string, number>();
  const sends: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < o.count; i++) {
    const wait = started + i * o.everyMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const messageId = `${o.runId}-mark-${i}`;
    const body = JSON.stringify({
      type: 'track',
      event: 'Order Completed',
      userId: `bench-mark-${i}`,
      messageId,
      timestamp: new Date().toISOString(),
      properties: { order_id: messageId, revenue: 250, currency: 'GBP' },
    });
    sends.push(
      fetch(new URL('/v1/track', o.collectorUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body,
      }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status === 200) acknowledged.set(messageId, Date.now());
        },
        () => undefined,
      ),
    );
  }
  await Promise.all(sends);
  return acknowledged;
}

/**
 * Milliseconds from the collector's receive time (carried in the payload by
 * the campaign's template) to the receiver verifying the webhook, for each
 * marked order; waits until all acknowledged ones arrived or the timeout.
 */
export async function markedLatencies(
  receiver: WebhookReceiver,
  acknowledged: ReadonlyMap<string, number>,
  timeoutMs: number,
): Promise<{ latencies: number[]; missing: number }> {
  const wanted = new Set(acknowledged.keys());
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const arrived = receiver.received.filter((r) => {
      const event = r.payload['event'] as { message_id?: string } | undefined;
      return event?.message_id !== undefined && wanted.has(event.message_id);
    });
    if (arrived.length >= wanted.size || Date.now() > deadline) {
      const latencies = arrived
        .map((r) => {
          const message = r.payload['message'] as { receivedAt?: string } | undefined;
          return r.receivedAt - Date.parse(message?.receivedAt ?? '');
        })
        .filter((ms) => Number.isFinite(ms))
        .sort((a, b) => a - b);
      return { latencies, missing: wanted.size - arrived.length };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
