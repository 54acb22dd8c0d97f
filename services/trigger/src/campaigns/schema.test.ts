import { describe, expect, it } from 'vitest';
import { CampaignInvalidError } from './errors.js';
import { isLive, parseCampaign } from './schema.js';

const valid = {
  id: 'big-orders',
  trigger: {
    kind: 'event',
    event: 'Order Completed',
    where: [{ field: 'properties.revenue', op: 'gt', value: 100 }],
  },
  channel: { type: 'log' },
  variants: [{ name: 'a', template: { text: 'Thanks {{traits.first_name}}' } }],
};

function problems(input: unknown): Array<{ field: string; reason: string }> {
  try {
    parseCampaign(input, 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(CampaignInvalidError);
    expect((err as CampaignInvalidError).code).toBe('PULSE_CAMPAIGN_INVALID');
    return (err as CampaignInvalidError).problems;
  }
  throw new Error('expected CampaignInvalidError');
}

describe('parseCampaign', () => {
  it('fills defaults', () => {
    const c = parseCampaign(valid, 'test.json');
    expect(c.enabled).toBe(true);
    expect(c.holdoutPercent).toBe(0);
    expect(c.frequencyCap).toEqual({ max: 1, windowHours: 24 });
    expect(c.variants[0]?.weight).toBe(1);
  });

  it('names the bad field', () => {
    expect(problems({ ...valid, holdoutPercent: 150 }).map((p) => p.field)).toEqual(['holdoutPercent']);
    expect(problems({ ...valid, id: 'Bad Id' })[0]?.field).toBe('id');
    expect(problems({ ...valid, trigger: { kind: 'abandoned_cart' } })[0]?.field).toBe('trigger.waitSeconds');
    expect(problems({ ...valid, channel: { type: 'webhook', url: 'ftp://x' } })[0]?.field).toBe(
      'channel.url',
    );
    expect(problems({ ...valid, quietHours: { start: '25:00', end: '08:00' } })[0]).toEqual({
      field: 'quietHours.start',
      reason: 'must be HH:MM (24-hour clock)',
    });
    expect(problems({ ...valid, surprise: 1 })[0]?.reason).toMatch(/surprise/);
  });

  it('refuses unknown trigger kinds instead of accepting campaigns that never fire', () => {
    expect(problems({ ...valid, trigger: { kind: 'segment_joined', segment: 'champions' } })[0]?.field).toBe(
      'trigger.kind',
    );
  });

  it('takes segment entry and exit triggers on namespaced segment ids', () => {
    const entry = parseCampaign(
      { ...valid, trigger: { kind: 'segment_entry', segment: 'rfm:champions' } },
      't',
    );
    expect(entry.trigger).toEqual({ kind: 'segment_entry', segment: 'rfm:champions' });
    const exit = parseCampaign({ ...valid, trigger: { kind: 'segment_exit', segment: 'cluster:c2' } }, 't');
    expect(exit.trigger.kind).toBe('segment_exit');
    expect(problems({ ...valid, trigger: { kind: 'segment_entry', segment: 'has space' } })[0]?.field).toBe(
      'trigger.segment',
    );
    expect(problems({ ...valid, trigger: { kind: 'segment_exit' } })[0]?.field).toBe('trigger.segment');
  });

  it('needs a subject and a body in every variant of an email campaign, and a valid sender', () => {
    const email = { ...valid, channel: { type: 'email' } };
    expect(
      problems({
        ...email,
        variants: [
          { name: 'a', template: { subject: 'Hi', body: 'Thanks' } },
          { name: 'b', template: { subject: 'Hi' } },
        ],
      }),
    ).toEqual([
      { field: 'variants.1.template.body', reason: 'is required for the email channel (a string template)' },
    ]);
    expect(
      problems({
        ...email,
        channel: { type: 'email', from: 'Pulse <x@y.z>' },
        variants: [{ name: 'a', template: { subject: 'Hi', body: 'Thanks' } }],
      })[0]?.field,
    ).toBe('channel.from');
    const ok = parseCampaign(
      { ...email, variants: [{ name: 'a', template: { subject: 'Hi {{traits.name}}', body: 'Thanks' } }] },
      't',
    );
    expect(ok.channel).toEqual({ type: 'email', rateLimit: { max: 10, perSeconds: 1 } });
  });

  it('checks dates and variant names', () => {
    const fields = problems({
      ...valid,
      startsAt: '2026-02-01T00:00:00Z',
      endsAt: '2026-01-01T00:00:00Z',
      variants: [valid.variants[0], valid.variants[0]],
    }).map((p) => p.field);
    expect(fields).toEqual(['endsAt', 'variants']);
  });

  it('is live only when enabled and within its dates', () => {
    const c = parseCampaign(
      { ...valid, startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-02-01T00:00:00Z' },
      't',
    );
    expect(isLive(c, Date.parse('2026-01-15T00:00:00Z'))).toBe(true);
    expect(isLive(c, Date.parse('2025-12-31T00:00:00Z'))).toBe(false);
    expect(isLive(c, Date.parse('2026-02-01T00:00:00Z'))).toBe(false);
    expect(isLive({ ...c, enabled: false }, Date.parse('2026-01-15T00:00:00Z'))).toBe(false);
  });
});
