import { encodeStoredEvent, toStoredEvent, validateEvent } from '@pulse/events';
import type { Message } from 'kafkajs';

/** Stored events m-000001 … m-060000, as the collector writes them. */
export function storedEvents(from: number, to: number): Message[] {
  const messages: Message[] = [];
  for (let n = from; n <= to; n++) {
    const receivedAt = new Date(Date.UTC(2024, 0, 1) + n * 60_000);
    const validated = validateEvent(
      {
        type: 'track',
        messageId: `m-${String(n).padStart(6, '0')}`,
        userId: `user-${n % 1000}`,
        event: 'Item Viewed',
        timestamp: receivedAt.toISOString(),
        properties: { item: `item-${n % 250}` },
      },
      { receivedAt },
    );
    if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
    const stored = toStoredEvent(validated.value, { receivedAt, sourceId: 'fault-test' });
    messages.push({ key: stored.user_key, value: encodeStoredEvent(stored) });
  }
  return messages;
}
