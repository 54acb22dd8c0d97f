import type { JsonObject } from '@pulse/events';

/**
 * The catalogue of the trigger service's BullMQ jobs. An occasion job is one
 * (campaign, person, occasion); its id is derived from those three so adding
 * it again (redelivery, replay, restart) finds the existing job instead of
 * making a second one. A delivery job carries the same id on the channel's
 * queue.
 */
export const OCCASION_JOB = 'occasion';
export const DELIVERY_JOB = 'deliver';

/** The part of the triggering event that decisions and templates read. */
export interface TriggerEvent {
  message_id: string;
  event: string;
  timestamp: string;
  received_at: string;
  properties: JsonObject;
  traits: JsonObject;
  context: JsonObject;
}

export interface OccasionJob {
  campaignId: string;
  person: string;
  occasion: string;
  event: TriggerEvent;
  /**
   * Abandoned cart and inactivity: the time of the event that opened the
   * occasion (the first add to the cart, the last order); an order after it
   * turns the occasion into a no-op.
   */
  cancelIfOrderAfter?: number;
}

export interface DeliveryJob {
  campaignId: string;
  person: string;
  occasion: string;
  variant: string;
  /** What the channel sends (the filled template with Pulse's envelope). */
  payload: JsonObject;
  eventMessageId: string;
  /** The event's arrival at the collector, for the event-to-action latency. */
  eventReceivedAt: string;
  /**
   * When the occasion was decided: the decided_at of its sent or failed row, so that the treated group's
   * attribution window starts where the holdout's does (a held-out occasion is recorded when decided),
   * not a delivery delay or quiet hours later. Jobs queued before this field use the delivery time.
   */
  decidedAt?: string;
  eventTime: string;
  /** Email: the recipient (the person's `email` trait when decided) and the campaign's sender, if it names one. */
  email?: { to: string; from?: string };
  /** The message still holds {{recommendations}} placeholders, filled when it is delivered. */
  recommendations?: boolean;
}

/** BullMQ ids may not contain ':'; each part is URI-encoded so the id stays unique and readable. */
export function occasionJobId(campaignId: string, person: string, occasion: string): string {
  return [campaignId, person, occasion].map((p) => encodeURIComponent(p)).join('.');
}
