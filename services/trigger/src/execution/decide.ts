import type { JsonObject } from '@pulse/events';
import type { SegmentMembership } from '../audience/providers.js';
import type { CampaignRegistry } from '../campaigns/registry.js';
import { isLive } from '../campaigns/schema.js';
import { emailOf } from '../channels/email/address.js';
import { matchesAll } from '../rules/conditions.js';
import { optOutReason, timeZoneOf } from '../rules/consent.js';
import { quietHoursDelayMs } from '../rules/quiet-hours.js';
import { RECOMMENDATIONS } from '../rules/recommendations.js';
import { inHoldout, pickVariant } from '../rules/stable-hash.js';
import { fillTemplate, pathRoot, usesRoot } from '../rules/template.js';
import type { Outcome } from './decisions.js';
import type { FrequencyCaps } from './frequency-caps.js';
import type { DeliveryJob, OccasionJob } from './jobs.js';
import { ORDER_EVENT, type PersonStore } from './person-store.js';

export interface DecideDeps {
  campaigns: CampaignRegistry;
  people: PersonStore;
  caps: FrequencyCaps;
  segments: SegmentMembership;
  /** Per person per UTC day across campaigns; 0 for none. */
  dailyCap: number;
  /** Zone for people whose time zone is unknown. */
  defaultTimeZone: string;
  now: () => number;
}

export type Verdict =
  | { outcome: Exclude<Outcome, 'sent' | 'failed'>; reason: string; variant?: string }
  | { outcome: 'deliver'; delivery: DeliveryJob; delayMs: number; variant: string };

/**
 * Decides one occasion, in the order that keeps the measurement fair:
 * still live, not converted (abandoned cart), not suppressed, in the
 * audience, within caps; only then the holdout split, so held-out people
 * are exactly those who would have been sent.
 */
export async function decide(job: OccasionJob, jobId: string, deps: DecideDeps): Promise<Verdict> {
  const campaign = deps.campaigns.get(job.campaignId);
  const now = deps.now();
  if (!campaign || !isLive(campaign, now)) {
    return {
      outcome: 'inactive',
      reason: campaign ? 'campaign paused or outside its dates' : 'campaign removed',
    };
  }
  if (job.cancelIfOrderAfter !== undefined) {
    const orders = await deps.people.countAfter(ORDER_EVENT, job.person, job.cancelIfOrderAfter);
    if (orders > 0) {
      const reason =
        campaign.trigger.kind === 'inactivity'
          ? 'ordered again before the wait ended'
          : 'ordered after adding to cart';
      return { outcome: 'converted', reason };
    }
  }
  const profile = await deps.people.profile(job.person);
  if (profile.deleted) return { outcome: 'suppressed', reason: 'person deleted' };
  const traits = { ...profile.traits, ...job.event.traits };
  const optOut = optOutReason(traits, job.event.context);
  if (optOut) return { outcome: 'suppressed', reason: optOut };

  if (!matchesAll({ traits }, campaign.audience.traits)) {
    return { outcome: 'not_in_audience', reason: 'traits' };
  }
  for (const segment of campaign.audience.segments) {
    if (!(await deps.segments.isMember(job.person, segment))) {
      return { outcome: 'not_in_audience', reason: `not in segment ${segment}` };
    }
  }
  const t = campaign.trigger;
  if (t.kind === 'segment_entry' || t.kind === 'segment_exit') {
    // An entry followed by an exit before the decision (or the reverse) is no longer news.
    const member = await deps.segments.isMember(job.person, t.segment);
    if (member !== (t.kind === 'segment_entry')) {
      return {
        outcome: 'not_in_audience',
        reason: `${member ? 'back in' : 'left'} segment ${t.segment} before the action`,
      };
    }
  }
  let email: DeliveryJob['email'];
  if (campaign.channel.type === 'email') {
    const to = emailOf(traits);
    if (!to) return { outcome: 'not_in_audience', reason: 'no email address in traits.email' };
    email = { to, ...(campaign.channel.from ? { from: campaign.channel.from } : {}) };
  }

  const cap = await deps.caps.claim({
    campaign: campaign.id,
    person: job.person,
    occasion: jobId,
    now,
    max: campaign.frequencyCap.max,
    windowMs: campaign.frequencyCap.windowHours * 3_600_000,
    dailyMax: deps.dailyCap,
  });
  if (!cap.ok) return { outcome: 'capped', reason: cap.reason };

  const variant = pickVariant(campaign.id, job.person, campaign.variants);
  if (inHoldout(campaign.id, job.person, campaign.holdoutPercent)) {
    return { outcome: 'held_out', reason: `holdout ${campaign.holdoutPercent}%`, variant: variant.name };
  }

  const scope = {
    event: job.event,
    traits,
    person: job.person,
    campaign: campaign.id,
    variant: variant.name,
  };
  const payload: JsonObject = {
    id: jobId,
    campaign: campaign.id,
    variant: variant.name,
    person: job.person,
    occasion: job.occasion,
    event: { message_id: job.event.message_id, event: job.event.event, timestamp: job.event.timestamp },
    // Recommendations are fetched when the message is delivered, so a delayed one gets fresh items.
    message: fillTemplate(
      variant.template,
      scope,
      (path) => pathRoot(path) === RECOMMENDATIONS,
    ) as JsonObject,
  };
  const delayMs = quietHoursDelayMs(
    now,
    timeZoneOf(traits, job.event.context),
    campaign.quietHours,
    deps.defaultTimeZone,
  );
  return {
    outcome: 'deliver',
    variant: variant.name,
    delayMs,
    delivery: {
      campaignId: campaign.id,
      person: job.person,
      occasion: job.occasion,
      variant: variant.name,
      payload,
      eventMessageId: job.event.message_id,
      eventReceivedAt: job.event.received_at,
      eventTime: job.event.timestamp,
      decidedAt: new Date(now).toISOString(),
      ...(email ? { email } : {}),
      ...(usesRoot(variant.template, RECOMMENDATIONS) ? { recommendations: true } : {}),
    },
  };
}
