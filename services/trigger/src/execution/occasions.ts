import type { StoredEvent } from '@pulse/events';
import { type Campaign, isLive } from '../campaigns/schema.js';
import { matchesAll } from '../rules/conditions.js';
import { type OccasionJob, occasionJobId, type TriggerEvent } from './jobs.js';
import type { Pending, PersonBatch } from './person-batch.js';
import { ORDER_EVENT } from './person-store.js';

export const CART_EVENT = 'Product Added';

export interface NewOccasion {
  jobId: string;
  data: OccasionJob;
  delayMs: number;
}

/** Occasions whose due time passed more than `maxLatenessMs` ago (a replay or backfill of old events) are not opened. */
export interface OccasionLimits {
  maxLatenessMs: number;
}

/** How many occasions an event opened, and how many it would have opened but for being too late. */
export interface Found {
  occasions: NewOccasion[];
  stale: number;
}

/** Event names whose per-person history must be kept for these campaigns. */
export function countedEvents(campaigns: readonly Campaign[]): Set<string> {
  const names = new Set<string>();
  for (const c of campaigns) {
    if (c.trigger.kind === 'abandoned_cart' || c.trigger.kind === 'inactivity') names.add(ORDER_EVENT);
    if (c.trigger.kind === 'event' && c.trigger.nth !== undefined) names.add(c.trigger.event);
  }
  return names;
}

function triggerEvent(e: StoredEvent): TriggerEvent {
  return {
    message_id: e.message_id,
    event: e.event,
    timestamp: e.timestamp,
    received_at: e.received_at,
    properties: e.properties,
    traits: e.traits,
    context: e.context,
  };
}

/** What the person's history says about one event, read in its batch's pipeline. */
export interface EventFacts {
  /** The event's rank among the person's events of its name (counted events only). */
  rank?: Pending<number>;
  /** Orders up to the event's time (a cart add, when an abandoned-cart campaign exists). */
  ordersBefore?: Pending<number>;
}

/** Whether any campaign is an abandoned-cart one (cart adds then need the person's order count). */
export function watchesCarts(campaigns: readonly Campaign[]): boolean {
  return campaigns.some((c) => c.trigger.kind === 'abandoned_cart');
}

/**
 * Queues in `batch` what the event changes in the person's state (traits,
 * counted events) and the reads its occasions need; undefined when the
 * event can open none (no person, not a track call). Everything written is
 * idempotent under redelivery (traits overwrite, counts are keyed by
 * messageId).
 */
export function rememberEvent(
  e: StoredEvent,
  counted: ReadonlySet<string>,
  carts: boolean,
  batch: PersonBatch,
): EventFacts | undefined {
  const person = e.user_key;
  if (!person) return undefined;
  if (e.type === 'identify') {
    batch.mergeTraits(person, e.traits);
    return undefined;
  }
  if (e.type !== 'track') return undefined;
  const contextTraits = e.context['traits'];
  if (contextTraits && typeof contextTraits === 'object' && !Array.isArray(contextTraits)) {
    batch.mergeTraits(person, contextTraits);
  }
  const at = Date.parse(e.timestamp);
  return {
    ...(counted.has(e.event) ? { rank: batch.countEvent(e.event, person, e.message_id, at) } : {}),
    ...(carts && e.event === CART_EVENT ? { ordersBefore: batch.countUpTo(ORDER_EVENT, person, at) } : {}),
  };
}

/**
 * The occasions an event opens, once its batch has run. Occasion ids depend
 * only on the data (message ids, event times, ranks), never on when or how
 * often the event is read, so a redelivered record yields the same job ids.
 */
export function occasionsFrom(
  e: StoredEvent,
  facts: EventFacts,
  campaigns: readonly Campaign[],
  now: number,
  limits: OccasionLimits,
): Found {
  const person = e.user_key;
  const at = Date.parse(e.timestamp);
  // Waits run from the collector's receive time, so a replay of the topic keeps them.
  const sinceReceived = Math.max(0, now - Date.parse(e.received_at));
  const rank = facts.rank?.value ?? 0;

  const out: NewOccasion[] = [];
  let stale = 0;
  const add = (o: NewOccasion, waitMs: number) => {
    if (limits.maxLatenessMs > 0 && sinceReceived - waitMs > limits.maxLatenessMs) stale++;
    else out.push(o);
  };
  for (const c of campaigns) {
    if (!isLive(c, now)) continue;
    const t = c.trigger;
    if (t.kind === 'event') {
      if (e.event !== t.event || !matchesAll({ properties: e.properties, context: e.context }, t.where))
        continue;
      if (t.nth !== undefined && rank !== t.nth) continue;
      const occasion = t.nth !== undefined ? `nth-${t.nth}` : `event-${e.message_id}`;
      add(make(c, person, occasion, e, 0), 0);
    } else if (t.kind === 'abandoned_cart' && e.event === CART_EVENT) {
      // One occasion per cart between two orders: later adds to the same cart find the job already there.
      const ordersBefore = facts.ordersBefore?.value ?? 0;
      const waitMs = t.waitSeconds * 1000;
      const occasion = make(
        c,
        person,
        `cart-after-${ordersBefore}-orders`,
        e,
        Math.max(0, waitMs - sinceReceived),
      );
      occasion.data.cancelIfOrderAfter = at;
      add(occasion, waitMs);
    } else if (t.kind === 'inactivity' && e.event === ORDER_EVENT) {
      // Every order starts the wait again: the occasion of an earlier order finds this one and does nothing.
      const waitMs = t.days * 86_400_000;
      const occasion = make(
        c,
        person,
        `inactive-after-${e.message_id}`,
        e,
        Math.max(0, waitMs - sinceReceived),
      );
      occasion.data.cancelIfOrderAfter = at;
      add(occasion, waitMs);
    }
  }
  return { occasions: out, stale };
}

function make(c: Campaign, person: string, occasion: string, e: StoredEvent, delayMs: number): NewOccasion {
  return {
    jobId: occasionJobId(c.id, person, occasion),
    data: { campaignId: c.id, person, occasion, event: triggerEvent(e) },
    delayMs,
  };
}
