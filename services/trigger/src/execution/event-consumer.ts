import { decodeStoredEvent, type StoredEvent, splitRecord } from '@pulse/events';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { addOccasions } from './add-occasions.js';
import { type OccasionConsumerOptions, TopicConsumer } from './group-consumer.js';
import { countedEvents, type EventFacts, occasionsFrom, rememberEvent, watchesCarts } from './occasions.js';
import type { PersonStore } from './person-store.js';

export interface EventConsumerOptions extends OccasionConsumerOptions {
  people: PersonStore;
  /** Whether the event's person is deleted or suppressed: such events open nothing and leave no state. */
  regulated?: (person: string, receivedAt: string) => boolean;
}

/**
 * Events per Redis pipeline and per addBulk: enough to amortise round trips, few enough that a chunk's
 * synchronous part (decoding, building the pipeline, writing it) stays short. The occasion and delivery
 * workers share this event loop: at 1,000 a chunk, a backlog was worked off in runs of 100 to 300 ms
 * without a break, and every decision and webhook due meanwhile waited for them.
 */
const CHUNK_EVENTS = 250;

/**
 * Reads the events topic in its own consumer group and turns events into
 * occasion jobs. A batch is handled in chunks: the person-state work of a
 * chunk's events goes to Redis in one pipeline (in event order, so counts
 * and ranks are exactly those of one-at-a-time processing), then its jobs
 * in one addBulk. Offsets are resolved only after a chunk's jobs are in
 * Redis and committed after; a crash before that re-reads the records, and
 * the deterministic job ids make the second add a no-op.
 */
export class EventConsumer extends TopicConsumer<EventConsumerOptions> {
  constructor(opts: EventConsumerOptions) {
    super(opts, 'events consumer');
  }

  protected async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const messages = batch.messages;
    let next = 0;
    while (next < messages.length && isRunning() && !isStale()) {
      const lines: string[] = [];
      let last = '';
      while (next < messages.length && lines.length < CHUNK_EVENTS) {
        const message = messages[next++] as KafkaMessage;
        const split = splitRecord(message.value?.toString('utf8') ?? '');
        // A record with no event (a null or empty value) is invalid too: ingest dead-letters it.
        if (split.length === 0) this.opts.metrics.events.inc({ outcome: 'invalid' });
        for (const line of split) lines.push(line);
        last = message.offset;
      }
      await this.handle(this.decode(lines));
      resolveOffset(last);
      await heartbeat();
    }
  }

  private decode(lines: readonly string[]): StoredEvent[] {
    const events: StoredEvent[] = [];
    for (const line of lines) {
      const decoded = decodeStoredEvent(line);
      // Ingest dead-letters the same record with its reasons; here it opens no occasion.
      if (!decoded.ok) this.opts.metrics.events.inc({ outcome: 'invalid' });
      else if (this.opts.regulated?.(decoded.value.user_key, decoded.value.received_at)) {
        this.opts.metrics.events.inc({ outcome: 'regulated' });
      } else events.push(decoded.value);
    }
    return events;
  }

  private async handle(events: readonly StoredEvent[]): Promise<void> {
    const { people, metrics } = this.opts;
    const campaigns = this.opts.campaigns.list();
    const counted = countedEvents(campaigns);
    const carts = watchesCarts(campaigns);
    const batch = people.batch();
    const remembered: Array<{ e: StoredEvent; facts: EventFacts | undefined }> = events.map((e) => ({
      e,
      facts: rememberEvent(e, counted, carts, batch),
    }));
    await batch.exec();
    const now = (this.opts.now ?? Date.now)();
    const limits = { maxLatenessMs: this.opts.maxLatenessMs };
    const outcomes = { matched: 0, unmatched: 0, stale: 0 };
    const occasions = remembered.flatMap(({ e, facts }) => {
      const found = facts ? occasionsFrom(e, facts, campaigns, now, limits) : { occasions: [], stale: 0 };
      outcomes[found.occasions.length > 0 ? 'matched' : found.stale > 0 ? 'stale' : 'unmatched'] += 1;
      return found.occasions;
    });
    for (const [outcome, n] of Object.entries(outcomes)) if (n > 0) metrics.events.inc({ outcome }, n);
    await addOccasions(this.opts.queue, this.opts.jobOptions, occasions, this.opts);
  }
}
