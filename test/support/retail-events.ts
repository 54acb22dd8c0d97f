import { mapOnlineRetail, readOnlineRetail } from '@pulse/datasets';
import { encodeStoredEvent, LIMITS, type StoredEvent, toStoredEvent, validateEvent } from '@pulse/events';
import type { Message } from 'kafkajs';

/** A Segment call of the Online Retail replay as a client sends it (JSON, ISO timestamp). */
export type RetailCall = Record<string, unknown> & { messageId: string; timestamp: string };

interface RetailItem {
  call: RetailCall;
  /** As the collector would store it, received at its own timestamp. */
  stored: StoredEvent;
}

const caches = new Map<boolean, RetailItem[]>();

/** The first `limit` valid calls of the replay; `withinSize`: only those under the collector's size limit. */
async function retailItems(limit: number, withinSize: boolean): Promise<RetailItem[]> {
  const cached = caches.get(withinSize);
  if (cached && cached.length >= limit) return cached.slice(0, limit);
  const items: RetailItem[] = [];
  for await (const item of mapOnlineRetail(readOnlineRetail())) {
    if (item.kind !== 'call') continue;
    const receivedAt = item.call.timestamp;
    const call: RetailCall = { ...item.call, timestamp: receivedAt.toISOString() };
    const validated = validateEvent(call, { receivedAt });
    if (!validated.ok) continue;
    const stored = toStoredEvent(validated.value, { receivedAt, sourceId: 'retail-test' });
    if (withinSize && Buffer.byteLength(encodeStoredEvent(stored)) > LIMITS.maxEventBytes) continue;
    items.push({ call, stored });
    if (items.length >= limit) break;
  }
  caches.set(withinSize, items);
  return items;
}

/**
 * The first `limit` calls of the Online Retail replay (identifies and orders, in time order) that
 * the collector accepts (valid, and under LIMITS.maxEventBytes once stored), as a client sends them.
 */
export async function retailCalls(limit: number): Promise<RetailCall[]> {
  return (await retailItems(limit, true)).map((i) => i.call);
}

/**
 * The first `limit` valid calls of the replay as the collector would store them, received at their
 * own timestamps. Invalid ones (the collector would answer 400) are left out, as they never reach
 * Kafka; large orders are kept (written straight to Kafka, they test the consumers' limits).
 */
export async function retailStoredEvents(limit: number): Promise<StoredEvent[]> {
  return (await retailItems(limit, false)).map((i) => i.stored);
}

/** Kafka messages of stored events, one event per record, keyed by person as the collector does. */
export function storedEventMessages(events: readonly StoredEvent[]): Message[] {
  return events.map((e) => ({ key: e.user_key, value: encodeStoredEvent(e) }));
}
