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
    expect(problems({ ...valid, trigger: { kind: 'segment_entry', segment: 'champions' } })[0]?.field).toBe(
      'trigger.kind',
    );
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
