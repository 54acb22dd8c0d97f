import type { StoredEvent } from '@pulse/events';
import { type Campaign, isLive } from '../campaigns/schema.js';
import { matchesAll } from '../rules/conditions.js';
import { type OccasionJob, occasionJobId, type TriggerEvent } from './jobs.js';
import { ORDER_EVENT, type PersonStore } from './person-store.js';

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

/**
 * Updates what is remembered about the person from one event and returns
 * the occasions it opens. Occasion ids depend only on the data (message ids,
 * event times), never on when or how often the event is read, so a
 * redelivered record yields the same job ids.
 */
export async function occasionsOf(
  e: StoredEvent,
  campaigns: readonly Campaign[],
  counted: ReadonlySet<string>,
  people: PersonStore,
  now: number,
  limits: OccasionLimits,
): Promise<Found> {
  const none: Found = { occasions: [], stale: 0 };
  const person = e.user_key;
  if (!person) return none;
  if (e.type === 'identify') {
    await people.mergeTraits(person, e.traits);
    return none;
  }
  if (e.type !== 'track') return none;
  const contextTraits = e.context['traits'];
  if (contextTraits && typeof contextTraits === 'object' && !Array.isArray(contextTraits)) {
    await people.mergeTraits(person, contextTraits);
  }
  const at = Date.parse(e.timestamp);
  // Waits run from the collector's receive time, so a replay of the topic keeps them.
  const sinceReceived = Math.max(0, now - Date.parse(e.received_at));
  const rank = counted.has(e.event) ? await people.countEvent(e.event, person, e.message_id, at) : 0;

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
      const ordersBefore = await people.countUpTo(ORDER_EVENT, person, at);
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
