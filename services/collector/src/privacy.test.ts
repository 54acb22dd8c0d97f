import { createHash } from 'node:crypto';
import type { JsonObject, SegmentEvent } from '@pulse/events';
import { describe, expect, it } from 'vitest';
import { anonymizeIp, consentAllows, hashTraitValue, privacyFilter } from './privacy.js';

const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe('anonymizeIp', () => {
  it.each([
    ['203.0.113.9', '203.0.113.0'],
    ['10.0.0.255', '10.0.0.0'],
    [' 198.51.100.7 ', '198.51.100.0'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
    ['2001:DB8:85A3::8A2E:370:7334', '2001:db8:85a3::'],
    ['2001:db8::1', '2001:db8::'],
    ['fe80::1%eth0', 'fe80::'],
    ['::1', '::'],
    ['1:0:0:4:5:6:7:8', '1::'],
    ['1:2:0:4:5:6:7:8', '1:2::'],
    ['2001:db8:1:2:3:4:1.2.3.4', '2001:db8:1::'],
    ['::ffff:203.0.113.9', '::ffff:203.0.113.0'],
    ['::ffff:cb00:7109', '::ffff:203.0.113.0'],
  ])('%s → %s', (ip, anonymous) => {
    expect(anonymizeIp(ip)).toBe(anonymous);
  });

  it('zeroes exactly the last 80 bits of an IPv6 address', () => {
    // 48 bits kept: three groups; the rest, whatever it was, is gone.
    for (const tail of ['ffff:ffff:ffff:ffff:ffff', '0:0:0:0:1', '1234:5678:9abc:def0:1']) {
      expect(anonymizeIp(`abcd:ef01:2345:${tail}`)).toBe('abcd:ef01:2345::');
    }
  });

  it.each(['', 'localhost', '203.0.113', '203.0.113.9.1', '999.0.0.1', 'ada@example.com', '1.2.3.4/24'])(
    'cannot anonymise %j, which is not an address',
    (value) => {
      expect(anonymizeIp(value)).toBeUndefined();
    },
  );
});

describe('hashTraitValue', () => {
  it('hashes the trimmed, lower-cased value', () => {
    expect(hashTraitValue('  Ada@Example.COM ')).toBe(sha('ada@example.com'));
    expect(hashTraitValue('ada@example.com')).toBe(hashTraitValue('ADA@example.com'));
    expect(hashTraitValue('+44 20 7946 0958')).toBe(sha('+44 20 7946 0958'));
  });

  it('hashes numbers, booleans and objects by their text, keeps null', () => {
    expect(hashTraitValue(442079460958)).toBe(sha('442079460958'));
    expect(hashTraitValue(true)).toBe(sha('true'));
    expect(hashTraitValue({ Street: 'X' })).toBe(sha('{"street":"x"}'));
    expect(hashTraitValue(null)).toBeNull();
  });

  it('leaves a value already hashed alone, so replays do not hash twice', () => {
    const once = hashTraitValue('ada@example.com');
    expect(hashTraitValue(once)).toBe(once);
  });
});

describe('consentAllows', () => {
  const context = (categoryPreferences: unknown): JsonObject =>
    ({ consent: { categoryPreferences } }) as JsonObject;
  const optOut = { category: 'analytics', mode: 'opt-out' } as const;
  const optIn = { category: 'analytics', mode: 'opt-in' } as const;

  it('allows everything when no category is required', () => {
    expect(consentAllows(context({ analytics: false }), undefined)).toBe(true);
  });

  it('refuses an event whose preference for the category is false, in either mode', () => {
    expect(consentAllows(context({ analytics: false, ads: true }), optOut)).toBe(false);
    expect(consentAllows(context({ Analytics: false }), optOut)).toBe(false);
    expect(consentAllows(context({ analytics: false }), optIn)).toBe(false);
  });

  it('lets a refusal win when the category is stated twice in different case', () => {
    expect(consentAllows(context({ Analytics: true, analytics: false }), optOut)).toBe(false);
  });

  it('allows an event that grants the category, in either mode', () => {
    expect(consentAllows(context({ analytics: true }), optOut)).toBe(true);
    expect(consentAllows(context({ ANALYTICS: true }), optIn)).toBe(true);
  });

  it.each([
    ['no context', undefined],
    ['no consent', {}],
    ['consent without preferences', { consent: {} }],
    ['preferences without the category', { consent: { categoryPreferences: { ads: false } } }],
    ['a non-boolean preference', { consent: { categoryPreferences: { analytics: 'false' } } }],
    ['preferences that are not an object', { consent: { categoryPreferences: [false] } }],
  ])('with %s: allowed when opting out, refused when opting in', (_name, ctx) => {
    expect(consentAllows(ctx as JsonObject | undefined, optOut)).toBe(true);
    expect(consentAllows(ctx as JsonObject | undefined, optIn)).toBe(false);
  });
});

describe('privacyFilter', () => {
  const identify = (): SegmentEvent => ({
    type: 'identify',
    userId: 'u1',
    traits: { email: ' Ada@Example.com', phone: '+44 20 7946 0958', plan: 'pro' },
    context: { ip: '203.0.113.9', traits: { Email: 'ada@example.com', name: 'Ada' }, locale: 'en-GB' },
  });

  it('changes nothing, and costs nothing, when the policy asks for nothing', () => {
    expect(privacyFilter({ anonymizeIp: false, hashTraits: [] })).toBeUndefined();
  });

  it('anonymises context.ip and hashes the listed traits in traits and context.traits', () => {
    const filter = privacyFilter({ anonymizeIp: true, hashTraits: ['email', 'phone'] })!;
    const out = filter(identify());
    expect(out.context).toEqual({
      ip: '203.0.113.0',
      traits: { Email: sha('ada@example.com'), name: 'Ada' },
      locale: 'en-GB',
    });
    expect(out.traits).toEqual({
      email: sha('ada@example.com'),
      phone: sha('+44 20 7946 0958'),
      plan: 'pro',
    });
  });

  it('never edits the event it is given (its objects are the request body)', () => {
    const event = identify();
    const before = structuredClone(event);
    privacyFilter({ anonymizeIp: true, hashTraits: ['email', 'phone'] })!(event);
    expect(event).toEqual(before);
  });

  it('hashes the traits of identify only, context.traits of every type', () => {
    const filter = privacyFilter({ anonymizeIp: false, hashTraits: ['email'] })!;
    const group: SegmentEvent = {
      type: 'group',
      userId: 'u1',
      groupId: 'g1',
      traits: { email: 'billing@acme.example' },
      context: { traits: { email: 'ada@example.com' } },
    };
    const out = filter(group);
    expect(out.traits).toEqual({ email: 'billing@acme.example' });
    expect(out.context).toEqual({ traits: { email: sha('ada@example.com') } });
  });

  it('drops a context.ip that is not an address rather than store it as sent', () => {
    const filter = privacyFilter({ anonymizeIp: true, hashTraits: [] })!;
    for (const ip of ['ada@example.com', 42, { v4: '203.0.113.9' }]) {
      const out = filter({
        type: 'track',
        event: 'E',
        userId: 'u',
        context: { ip, page: 'x' } as JsonObject,
      });
      expect(out.context).toEqual({ page: 'x' });
    }
    const noIp: SegmentEvent = { type: 'track', event: 'E', userId: 'u', context: { ip: null } };
    expect(filter(noIp)).toBe(noIp);
  });

  it('returns the same event when there is nothing to change', () => {
    const filter = privacyFilter({ anonymizeIp: true, hashTraits: ['email'] })!;
    const event: SegmentEvent = {
      type: 'track',
      event: 'E',
      userId: 'u',
      properties: { email: 'x@y.example' },
    };
    expect(filter(event)).toBe(event);
  });

  it('keeps a "__proto__" trait as data and pollutes nothing', () => {
    const traits = JSON.parse('{"__proto__": {"polluted": true}, "email": "a@b.example"}') as JsonObject;
    const out = privacyFilter({ anonymizeIp: false, hashTraits: ['email', '__proto__'] })!({
      type: 'identify',
      userId: 'u',
      traits,
    });
    expect(Object.getPrototypeOf(out.traits)).toBe(Object.prototype);
    expect(Object.hasOwn(out.traits!, '__proto__')).toBe(true);
    expect(String(Object.getOwnPropertyDescriptor(out.traits, '__proto__')?.value)).toMatch(/^sha256:/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
