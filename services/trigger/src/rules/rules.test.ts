import { describe, expect, it } from 'vitest';
import { matchesAll } from './conditions.js';
import { optOutReason, timeZoneOf } from './consent.js';
import { quietHoursDelayMs } from './quiet-hours.js';
import { inHoldout, pickVariant, stableUnit } from './stable-hash.js';
import { fillTemplate, pathRoot, usesRoot } from './template.js';

describe('matchesAll', () => {
  const event = { properties: { revenue: 120, currency: 'EUR', total: '99.5' } };
  it('compares numbers, strings holding numbers, sets and presence', () => {
    expect(matchesAll(event, [{ field: 'properties.revenue', op: 'gt', value: 100 }])).toBe(true);
    expect(matchesAll(event, [{ field: 'properties.revenue', op: 'gt', value: 120 }])).toBe(false);
    expect(matchesAll(event, [{ field: 'properties.total', op: 'lt', value: 100 }])).toBe(true);
    expect(matchesAll(event, [{ field: 'properties.currency', op: 'in', value: ['EUR', 'GBP'] }])).toBe(true);
    expect(matchesAll(event, [{ field: 'properties.coupon', op: 'exists' }])).toBe(false);
    expect(matchesAll(event, [{ field: 'properties.currency', op: 'gt', value: 1 }])).toBe(false);
  });
});

describe('quietHoursDelayMs', () => {
  const window = { start: '21:00', end: '08:00' };
  it('waits until the end of quiet hours in the person’s zone', () => {
    // 23:30 in Berlin (UTC+1 in January) → 8.5 hours to 08:00.
    expect(quietHoursDelayMs(Date.parse('2026-01-10T22:30:00Z'), 'Europe/Berlin', window)).toBe(
      8.5 * 3_600_000,
    );
    // The same instant is 17:30 in New York: outside quiet hours.
    expect(quietHoursDelayMs(Date.parse('2026-01-10T22:30:00Z'), 'America/New_York', window)).toBe(0);
  });
  it('uses the fallback zone for unknown or missing zones, and nothing without a window', () => {
    expect(quietHoursDelayMs(Date.parse('2026-01-10T07:00:00Z'), 'Mars/Olympus', window)).toBe(3_600_000);
    expect(quietHoursDelayMs(Date.parse('2026-01-10T07:00:00Z'), undefined, undefined)).toBe(0);
    expect(
      quietHoursDelayMs(Date.parse('2026-01-10T13:00:00Z'), 'UTC', { start: '12:00', end: '14:00' }),
    ).toBe(3_600_000);
  });
});

describe('stable hash splits', () => {
  it('is stable and close to the requested share', () => {
    expect(stableUnit('s', 'p1')).toBe(stableUnit('s', 'p1'));
    let held = 0;
    for (let i = 0; i < 10_000; i++) if (inHoldout('c', `person-${i}`, 20)) held++;
    expect(held).toBeGreaterThan(1800);
    expect(held).toBeLessThan(2200);
    expect(inHoldout('c', 'anyone', 0)).toBe(false);
  });
  it('splits variants by weight', () => {
    const variants = [
      { name: 'a', weight: 3 },
      { name: 'b', weight: 1 },
    ];
    let a = 0;
    for (let i = 0; i < 10_000; i++) if (pickVariant('c', `p${i}`, variants).name === 'a') a++;
    expect(a).toBeGreaterThan(7200);
    expect(a).toBeLessThan(7800);
  });
});

describe('fillTemplate', () => {
  it('fills strings and keeps the type of a whole placeholder', () => {
    const scope = { event: { properties: { revenue: 120, products: [{ id: 1 }] } }, traits: { name: 'Ada' } };
    expect(
      fillTemplate(
        {
          text: 'Hi {{traits.name}}, {{ event.properties.revenue }} EUR',
          items: '{{event.properties.products}}',
          none: '{{traits.x}}',
        },
        scope,
      ),
    ).toEqual({ text: 'Hi Ada, 120 EUR', items: [{ id: 1 }], none: '' });
  });
  it('steps into arrays by index, and never into inherited properties', () => {
    const scope = { recommendations: [{ item: 'sku-1', score: 0.9 }], traits: { name: 'Ada' } };
    expect(
      fillTemplate({ first: '{{recommendations.0.item}}', none: '{{recommendations.5.item}}' }, scope),
    ).toEqual({ first: 'sku-1', none: '' });
    expect(fillTemplate('{{traits.constructor}}|{{traits.name.length}}', scope)).toBe('|');
  });
  it('leaves the placeholders it is told to, for a second pass that fills only those', () => {
    const leave = (path: string) => pathRoot(path) === 'recommendations';
    const first = fillTemplate(
      { text: 'Hi {{traits.name}}, try {{ recommendations.0.item }}', items: '{{recommendations}}' },
      { traits: { name: 'Ada' } },
      leave,
    );
    expect(first).toEqual({ text: 'Hi Ada, try {{ recommendations.0.item }}', items: '{{recommendations}}' });
    const items = [{ item: 'sku-1', score: 2 }];
    expect(fillTemplate(first, { recommendations: items }, (p) => !leave(p))).toEqual({
      text: 'Hi Ada, try sku-1',
      items,
    });
    expect(usesRoot(first, 'recommendations')).toBe(true);
    expect(usesRoot({ a: ['{{traits.recommendations}}'] }, 'recommendations')).toBe(false);
  });
});

describe('consent', () => {
  it('finds opt-outs in traits and Segment consent', () => {
    expect(optOutReason({ unsubscribed: true })).toBe('trait unsubscribed');
    expect(optOutReason({}, { consent: { categoryPreferences: { marketing: false } } })).toBe(
      'consent marketing=false',
    );
    expect(
      optOutReason({ unsubscribed: false }, { consent: { categoryPreferences: { marketing: true } } }),
    ).toBe(undefined);
    // Segment's categories are named by the customer, usually capitalised.
    expect(
      optOutReason({}, { consent: { categoryPreferences: { Marketing: false, Analytics: true } } }),
    ).toBe('consent marketing=false');
    expect(optOutReason({}, { consent: { categoryPreferences: { Analytics: false } } })).toBe(undefined);
    expect(timeZoneOf({}, { timezone: 'Europe/Paris' })).toBe('Europe/Paris');
  });
});
