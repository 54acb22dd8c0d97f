import { z } from 'zod';
import { EMAIL_ADDRESS } from '../channels/email/address.js';
import { CampaignInvalidError } from './errors.js';

/** A comparison on a field of the event or of the person's traits (dotted path, e.g. properties.revenue). */
const conditionSchema = z.strictObject({
  field: z.string().regex(/^(properties|traits|context)(\.[\w$-]+)+$/, {
    message: 'must be a dotted path starting with properties., traits. or context.',
  }),
  op: z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists', 'in']),
  value: z
    .union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))])
    .optional(),
});
export type Condition = z.infer<typeof conditionSchema>;

const eventTrigger = z.strictObject({
  kind: z.literal('event'),
  event: z.string().min(1),
  where: z.array(conditionSchema).default([]),
  /** Fire only on the person's Nth event of this name (e.g. 3 for the third order). */
  nth: z.number().int().min(1).optional(),
});

const abandonedCartTrigger = z.strictObject({
  kind: z.literal('abandoned_cart'),
  /** How long after the first Product Added without an Order Completed the campaign fires. */
  waitSeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 3600),
});

const inactivityTrigger = z.strictObject({
  kind: z.literal('inactivity'),
  /** Win-back: fires this many days after a person's last Order Completed if no other order followed. */
  days: z.number().positive().max(730),
});

/** Namespaced segment ids as the modeling service names them: `rfm:champions`, `cluster:c2`, `rule:<id>`. */
const segmentId = z.string().regex(/^[\w.:-]{1,200}$/, {
  message: 'must be a segment id such as rfm:champions (letters, digits, _ . : -)',
});

/** Fires when the person enters the segment (a segment-changes record with change "entered"). */
const segmentEntryTrigger = z.strictObject({ kind: z.literal('segment_entry'), segment: segmentId });
/** Fires when the person leaves the segment (change "exited"). */
const segmentExitTrigger = z.strictObject({ kind: z.literal('segment_exit'), segment: segmentId });

const triggerSchema = z.discriminatedUnion('kind', [
  eventTrigger,
  abandonedCartTrigger,
  inactivityTrigger,
  segmentEntryTrigger,
  segmentExitTrigger,
]);
export type CampaignTrigger = z.infer<typeof triggerSchema>;

const webhookChannel = z.strictObject({
  type: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/ }),
  /** Per-endpoint limit, BullMQ's limiter on the endpoint's queue. */
  rateLimit: z
    .strictObject({ max: z.number().int().min(1), perSeconds: z.number().min(0.001) })
    .default({ max: 50, perSeconds: 1 }),
});
const logChannel = z.strictObject({ type: z.literal('log') });
/** To the person's `email` trait; each variant's template has a `subject` and a plain-text `body`. */
const emailChannel = z.strictObject({
  type: z.literal('email'),
  /** Sender; TRIGGER_SMTP_FROM when absent. */
  from: z.string().regex(EMAIL_ADDRESS, { message: 'must be an email address' }).optional(),
  rateLimit: z
    .strictObject({ max: z.number().int().min(1), perSeconds: z.number().min(0.001) })
    .default({ max: 10, perSeconds: 1 }),
});
const channelSchema = z.discriminatedUnion('type', [webhookChannel, logChannel, emailChannel]);
export type ChannelSpec = z.infer<typeof channelSchema>;

/** HH:MM, 24 hours. */
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM (24-hour clock)' });

const variantSchema = z.strictObject({
  name: z.string().regex(/^[\w-]{1,40}$/),
  weight: z.number().positive().default(1),
  /**
   * JSON sent to the channel; strings may hold {{event.properties.x}}, {{traits.x}}, {{person}},
   * {{recommendations}} (items {item, score}), {{recommendations.0.item}}.
   */
  template: z.record(z.string(), z.unknown()),
});

export const campaignSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
      message: 'must be 1-63 lowercase letters, digits, _ or -, starting with a letter or digit',
    }),
    name: z.string().min(1).optional(),
    enabled: z.boolean().default(true),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).optional(),
    trigger: triggerSchema,
    /** Conditions on the person's traits (all must hold). Segment audiences need a SegmentMembership. */
    audience: z
      .strictObject({
        traits: z.array(conditionSchema).default([]),
        segments: z.array(z.string().min(1)).default([]),
      })
      .default({ traits: [], segments: [] }),
    channel: channelSchema,
    variants: z.array(variantSchema).min(1),
    /** Percent of people kept out of the campaign (recorded, never sent), for measuring uplift. */
    holdoutPercent: z.number().min(0).max(90).default(0),
    /** At most `max` actions per person within `windowHours`. */
    frequencyCap: z
      .strictObject({ max: z.number().int().min(1), windowHours: z.number().min(0.001) })
      .default({ max: 1, windowHours: 24 }),
    /** In the person's time zone; an action falling inside waits until `end`. */
    quietHours: z.strictObject({ start: clock, end: clock }).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.startsAt && c.endsAt && Date.parse(c.endsAt) <= Date.parse(c.startsAt)) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
    const names = c.variants.map((v) => v.name);
    if (new Set(names).size !== names.length) {
      ctx.addIssue({ code: 'custom', path: ['variants'], message: 'variant names must be unique' });
    }
    if (c.trigger.kind === 'event' && c.trigger.where.some((w) => w.field.startsWith('traits.'))) {
      ctx.addIssue({
        code: 'custom',
        path: ['trigger', 'where'],
        message: 'filters the event; put trait conditions in audience.traits',
      });
    }
    if (c.channel.type === 'email') {
      c.variants.forEach((v, i) => {
        for (const field of ['subject', 'body']) {
          if (typeof v.template[field] !== 'string' || v.template[field] === '') {
            ctx.addIssue({
              code: 'custom',
              path: ['variants', i, 'template', field],
              message: 'is required for the email channel (a string template)',
            });
          }
        }
      });
    }
    for (const [i, w] of [
      ...(c.trigger.kind === 'event' ? c.trigger.where : []),
      ...c.audience.traits,
    ].entries()) {
      if (w.op !== 'exists' && w.value === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['conditions', i, 'value'],
          message: `is required for op ${w.op}`,
        });
      }
    }
  });

export type Campaign = z.infer<typeof campaignSchema>;

/** Validates a campaign definition; throws CampaignInvalidError naming each bad field. */
export function parseCampaign(input: unknown, source: string): Campaign {
  const result = campaignSchema.safeParse(input);
  if (result.success) return result.data;
  throw new CampaignInvalidError(
    source,
    result.error.issues.map((issue) => ({
      field: issue.path.join('.') || '(campaign)',
      reason: issue.message,
    })),
  );
}

/** Whether the campaign takes actions at `now` (switched on and within its start and end). */
export function isLive(c: Campaign, now: number): boolean {
  if (!c.enabled) return false;
  if (c.startsAt && now < Date.parse(c.startsAt)) return false;
  if (c.endsAt && now >= Date.parse(c.endsAt)) return false;
  return true;
}
