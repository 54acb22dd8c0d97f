import { describe, expect, it } from 'vitest';
import type { Problem, Validated } from './problems.js';
import { orderCompleted, RECEIVED_AT } from './test-fixtures.js';
import type { SegmentEvent } from './types.js';
import { type ValidateOptions, validateEvent } from './validate.js';

const options: ValidateOptions = { receivedAt: RECEIVED_AT };

function valid(input: unknown, opts: ValidateOptions = options): SegmentEvent {
  const result = validateEvent(input, opts);
  if (!result.ok) throw new Error(`expected a valid event, got ${JSON.stringify(result.problems)}`);
  return result.value;
}

function problemsOf(input: unknown, opts: ValidateOptions = options): Problem[] {
  const result = validateEvent(input, opts);
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.problems;
}

/** [path, code] pairs, for compact assertions. */
function summary(result: Validated<unknown> | Problem[]): string[][] {
  const problems = Array.isArray(result) ? result : result.ok ? [] : result.problems;
  return problems.map((p) => [p.path, p.code]);
}

describe('validateEvent: the six types', () => {
  it('accepts a track call', () => {
    expect(
      valid({
        type: 'track',
        userId: 'u1',
        event: 'Signed Up',
        properties: { plan: 'pro' },
        timestamp: '2011-12-09T12:49:00.000Z',
        messageId: 'm-1',
      }),
    ).toStrictEqual({
      type: 'track',
      messageId: 'm-1',
      userId: 'u1',
      event: 'Signed Up',
      properties: { plan: 'pro' },
      timestamp: '2011-12-09T12:49:00.000Z',
    });
  });

  it('accepts an identify call', () => {
    expect(valid({ type: 'identify', userId: 97980, traits: { email: 'a@b.c' } })).toStrictEqual({
      type: 'identify',
      userId: '97980',
      traits: { email: 'a@b.c' },
    });
  });

  it('accepts a page call', () => {
    expect(valid({ type: 'page', anonymousId: 'a1', name: 'Pricing', category: 'Docs' })).toStrictEqual({
      type: 'page',
      anonymousId: 'a1',
      name: 'Pricing',
      category: 'Docs',
    });
  });

  it('accepts a screen call', () => {
    expect(
      valid({ type: 'screen', anonymousId: 'a1', name: 'Home', context: { app: { name: 'x' } } }),
    ).toStrictEqual({ type: 'screen', anonymousId: 'a1', name: 'Home', context: { app: { name: 'x' } } });
  });

  it('accepts a group call, with a numeric groupId', () => {
    expect(valid({ type: 'group', userId: 'u1', groupId: 12, traits: { name: 'Acme' } })).toStrictEqual({
      type: 'group',
      userId: 'u1',
      groupId: '12',
      traits: { name: 'Acme' },
    });
  });

  it('accepts an alias call', () => {
    expect(valid({ type: 'alias', userId: 'u1', previousId: 'anon-7' })).toStrictEqual({
      type: 'alias',
      userId: 'u1',
      previousId: 'anon-7',
    });
  });

  it('accepts the full analytics.js Order Completed fixture', () => {
    const input = orderCompleted();
    const event = valid(input);
    expect(event.properties).toBe(input['properties']);
    expect(event.context).toBe(input['context']);
    expect(event.timestamp).toBe('2011-12-09T12:49:58.000Z');
    expect(event.sentAt).toBe('2011-12-09T12:49:59.000Z');
  });
});

describe('validateEvent: type', () => {
  it('fills a missing type from the endpoint', () => {
    expect(valid({ userId: 'u1', event: 'X' }, { ...options, expectedType: 'track' }).type).toBe('track');
  });

  it('reports a type that does not match the endpoint', () => {
    const problems = problemsOf({ type: 'identify', userId: 'u1' }, { ...options, expectedType: 'track' });
    expect(problems).toEqual([
      { path: 'type', code: 'unknown_type', reason: 'must be "track" on this endpoint, got "identify"' },
    ]);
  });

  it('requires a type without an endpoint type', () => {
    expect(summary(problemsOf({ userId: 'u1' }))).toEqual([['type', 'required']]);
  });

  it('reports unknown and non-string types', () => {
    const unknown = problemsOf({ type: 'purchase', userId: 'u1' });
    expect(summary(unknown)).toEqual([['type', 'unknown_type']]);
    expect(unknown[0]?.reason).toBe(
      'must be one of "track", "identify", "page", "screen", "group", "alias", got string "purchase"',
    );
    expect(summary(problemsOf({ type: 1, userId: 'u1' }))).toEqual([['type', 'type']]);
    expect(summary(problemsOf({ type: 'Track', userId: 'u1' }))).toEqual([['type', 'unknown_type']]);
  });

  it.each([null, [], 'x', 42, true, undefined, new Date(0)])('rejects %j as a whole', (input) => {
    expect(summary(problemsOf(input))).toEqual([['', 'type']]);
  });
});

describe('validateEvent: identity', () => {
  it('needs userId or anonymousId', () => {
    expect(problemsOf({ type: 'identify' })).toEqual([
      { path: '', code: 'required', reason: 'needs userId or anonymousId (a string or a number)' },
    ]);
    expect(summary(problemsOf({ type: 'identify', userId: '', anonymousId: null }))).toEqual([
      ['', 'required'],
    ]);
  });

  it('accepts either one alone, and drops an empty one', () => {
    expect(valid({ type: 'identify', anonymousId: 'a1', userId: '' })).toStrictEqual({
      type: 'identify',
      anonymousId: 'a1',
    });
    expect(valid({ type: 'identify', anonymousId: 5.5 }).anonymousId).toBe('5.5');
  });

  it('rejects ids that are neither strings nor numbers, or too long', () => {
    const problems = problemsOf({ type: 'identify', userId: true, anonymousId: 'a'.repeat(257) });
    expect(summary(problems)).toEqual([
      ['userId', 'type'],
      ['anonymousId', 'too_large'],
    ]);
    expect(problems[0]?.reason).toBe('must be a string or a number, got boolean true');
    expect(problems[1]?.reason).toBe('must be at most 256 characters, got 257');
    expect(valid({ type: 'identify', userId: 'u'.repeat(256) }).userId).toHaveLength(256);
  });

  it('requires userId and previousId for alias', () => {
    expect(summary(problemsOf({ type: 'alias', anonymousId: 'a1' }))).toEqual([
      ['userId', 'required'],
      ['previousId', 'required'],
    ]);
  });

  it('requires groupId for group', () => {
    expect(summary(problemsOf({ type: 'group', userId: 'u1' }))).toEqual([['groupId', 'required']]);
    expect(summary(problemsOf({ type: 'group', userId: 'u1', groupId: {} }))).toEqual([['groupId', 'type']]);
  });

  it('checks messageId', () => {
    expect(summary(problemsOf({ type: 'identify', userId: 'u', messageId: 7 }))).toEqual([
      ['messageId', 'type'],
    ]);
    expect(summary(problemsOf({ type: 'identify', userId: 'u', messageId: 'm'.repeat(257) }))).toEqual([
      ['messageId', 'too_large'],
    ]);
    expect(valid({ type: 'identify', userId: 'u', messageId: '' })).not.toHaveProperty('messageId');
  });
});

describe('validateEvent: names', () => {
  it('requires a non-empty event name for track', () => {
    expect(summary(problemsOf({ type: 'track', userId: 'u' }))).toEqual([['event', 'required']]);
    expect(summary(problemsOf({ type: 'track', userId: 'u', event: '' }))).toEqual([['event', 'required']]);
    expect(summary(problemsOf({ type: 'track', userId: 'u', event: 42 }))).toEqual([['event', 'type']]);
    expect(summary(problemsOf({ type: 'track', userId: 'u', event: 'e'.repeat(257) }))).toEqual([
      ['event', 'too_large'],
    ]);
  });

  it('checks name and category', () => {
    expect(summary(problemsOf({ type: 'page', userId: 'u', name: 1, category: ['x'] }))).toEqual([
      ['name', 'type'],
      ['category', 'type'],
    ]);
  });
});

describe('validateEvent: timestamps', () => {
  const base = { type: 'track', userId: 'u', event: 'E' };

  it('rejects text that is not an ISO 8601 date', () => {
    const problems = problemsOf({
      ...base,
      timestamp: 'yesterday',
      sentAt: '2011-13-45',
      originalTimestamp: 5,
    });
    expect(summary(problems)).toEqual([
      ['timestamp', 'format'],
      ['sentAt', 'format'],
      ['originalTimestamp', 'type'],
    ]);
    expect(problems[0]?.reason).toBe(
      'must be an ISO 8601 date-time such as "2011-12-09T12:50:00.000Z", got string "yesterday"',
    );
  });

  it('rejects epoch numbers', () => {
    expect(summary(problemsOf({ ...base, timestamp: 1323435000000 }))).toEqual([['timestamp', 'type']]);
  });

  it('normalises timestamps to UTC with milliseconds', () => {
    const event = valid({ ...base, timestamp: '2011-12-09T13:49:00+01:00', sentAt: '2011-12-09T12:49:30Z' });
    expect(event.timestamp).toBe('2011-12-09T12:49:00.000Z');
    expect(event.sentAt).toBe('2011-12-09T12:49:30.000Z');
  });

  it('rejects a timestamp before minTimestamp', () => {
    expect(problemsOf({ ...base, timestamp: '1999-12-31T23:59:59.999Z' })).toEqual([
      {
        path: 'timestamp',
        code: 'out_of_range',
        reason:
          'must be between 2000-01-01T00:00:00.000Z and 2011-12-10T12:50:00.000Z after clock-skew correction, ' +
          'got 1999-12-31T23:59:59.999Z',
      },
    ]);
    expect(valid({ ...base, timestamp: '2000-01-01T00:00:00.000Z' }).timestamp).toBe(
      '2000-01-01T00:00:00.000Z',
    );
  });

  it('rejects a timestamp more than maxFutureMs ahead of receivedAt', () => {
    expect(valid({ ...base, timestamp: '2011-12-10T12:50:00.000Z' }).timestamp).toBeDefined();
    expect(summary(problemsOf({ ...base, timestamp: '2011-12-10T12:50:00.001Z' }))).toEqual([
      ['timestamp', 'out_of_range'],
    ]);
  });

  it('checks the range after skew correction', () => {
    // The client clock is three days ahead; sentAt shows it, so the corrected time is 12:49:50.
    expect(
      valid({ ...base, timestamp: '2011-12-12T12:49:50Z', sentAt: '2011-12-12T12:50:00Z' }),
    ).toMatchObject({
      timestamp: '2011-12-12T12:49:50.000Z',
    });
    // The client clock is right but the event is 1 s older than 2000-01-01 once corrected.
    const problems = problemsOf(
      { ...base, timestamp: '2000-01-01T00:00:09.000Z', sentAt: '2000-01-01T00:00:10.000Z' },
      { receivedAt: new Date('2000-01-01T00:00:00.000Z') },
    );
    expect(problems).toEqual([
      {
        path: 'timestamp',
        code: 'out_of_range',
        reason:
          'must be between 2000-01-01T00:00:00.000Z and 2000-01-02T00:00:00.000Z after clock-skew correction, ' +
          'got 1999-12-31T23:59:59.000Z',
      },
    ]);
  });

  it('takes minTimestamp and maxFutureMs options', () => {
    const opts = {
      receivedAt: RECEIVED_AT,
      minTimestamp: new Date('2011-12-01T00:00:00Z'),
      maxFutureMs: 1000,
    };
    expect(summary(problemsOf({ ...base, timestamp: '2011-11-30T23:59:59Z' }, opts))).toEqual([
      ['timestamp', 'out_of_range'],
    ]);
    expect(summary(problemsOf({ ...base, timestamp: '2011-12-09T12:50:01.001Z' }, opts))).toEqual([
      ['timestamp', 'out_of_range'],
    ]);
    expect(valid({ ...base, timestamp: '2011-12-09T12:50:01Z' }, opts).timestamp).toBe(
      '2011-12-09T12:50:01.000Z',
    );
  });

  it('defaults receivedAt to now', () => {
    const future = new Date(Date.now() + 2 * 24 * 60 * 60 * 1000).toISOString();
    expect(summary(problemsOf({ ...base, timestamp: future }, {}))).toEqual([['timestamp', 'out_of_range']]);
    expect(valid({ ...base, timestamp: new Date().toISOString() }, {}).timestamp).toBeDefined();
  });

  it('uses originalTimestamp when timestamp is absent (RudderStack SDKs)', () => {
    const event = valid({ ...base, originalTimestamp: '2011-12-09T12:00:00Z' });
    expect(event.timestamp).toBe('2011-12-09T12:00:00.000Z');
    expect(event.extra).toBeUndefined();
    expect(summary(problemsOf({ ...base, originalTimestamp: '1990-01-01T00:00:00Z' }))).toEqual([
      ['originalTimestamp', 'out_of_range'],
    ]);
  });

  it('treats a null timestamp as absent', () => {
    const event = valid({ ...base, timestamp: null, originalTimestamp: '2011-12-09T12:00:00Z' });
    expect(event.timestamp).toBe('2011-12-09T12:00:00.000Z');
    expect(event.extra).toBeUndefined();
  });

  it('does not range-check with an unreadable sentAt', () => {
    expect(summary(problemsOf({ ...base, timestamp: '1990-01-01T00:00:00Z', sentAt: 'later' }))).toEqual([
      ['sentAt', 'format'],
    ]);
  });

  it('keeps originalTimestamp in extra when timestamp is also sent', () => {
    const event = valid({
      ...base,
      timestamp: '2011-12-09T12:00:00Z',
      originalTimestamp: '2011-12-09T11:00:00Z',
    });
    expect(event.timestamp).toBe('2011-12-09T12:00:00.000Z');
    expect(event.extra).toEqual({ originalTimestamp: '2011-12-09T11:00:00Z' });
  });
});

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('validateEvent: objects', () => {
  const base = { type: 'identify', userId: 'u' };

  it('treats null objects as absent', () => {
    expect(
      valid({ ...base, properties: null, traits: null, context: null, integrations: null }),
    ).toStrictEqual(base);
  });

  it('rejects non-objects', () => {
    expect(
      summary(problemsOf({ ...base, properties: [], traits: 'x', context: 1, integrations: new Map() })),
    ).toEqual([
      ['properties', 'type'],
      ['traits', 'type'],
      ['context', 'type'],
      ['integrations', 'type'],
    ]);
  });

  it(`allows ${32} levels of nesting and no more`, () => {
    expect(valid({ ...base, traits: nested(32) }).traits).toBeDefined();
    const problems = problemsOf({ ...base, traits: nested(33) });
    expect(problems).toEqual([
      {
        path: 'traits' + '.a'.repeat(32),
        code: 'too_deep',
        reason: 'must not nest objects or arrays deeper than 32 levels',
      },
    ]);
  });

  it('counts arrays as levels too', () => {
    let value: unknown = 1;
    for (let i = 0; i < 31; i++) value = [value];
    expect(valid({ ...base, traits: { list: value } }).traits).toBeDefined();
    expect(summary(problemsOf({ ...base, traits: { list: [value] } }))).toEqual([
      ['traits.list' + '[0]'.repeat(31), 'too_deep'],
    ]);
  });

  it('survives cyclic and very deep objects', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic['self'] = cyclic;
    expect(summary(problemsOf({ ...base, traits: cyclic }))[0]?.[1]).toBe('too_deep');
    const deep = JSON.parse('{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}');
    expect(summary(problemsOf({ ...base, traits: deep }))[0]?.[1]).toBe('too_deep');
  });

  it('rejects values JSON cannot carry, with their path', () => {
    const problems = problemsOf({
      ...base,
      properties: { ok: 1, when: new Date(0) },
      traits: { list: [1, undefined] },
      context: { n: Number.NaN },
      integrations: { f: () => 1 },
    });
    expect(summary(problems)).toEqual([
      ['properties.when', 'type'],
      ['traits.list[1]', 'type'],
      ['context.n', 'type'],
      ['integrations.f', 'type'],
    ]);
    expect(problems[0]?.reason).toBe(
      'must be a JSON value (string, number, boolean, null, array, object), got an instance of Date',
    );
  });

  it('quotes keys that are not identifiers in paths', () => {
    expect(summary(problemsOf({ ...base, traits: { 'a b': { 'x.y': undefined } } }))).toEqual([
      ['traits["a b"]["x.y"]', 'type'],
    ]);
  });

  it('keeps objects as they are, without copying', () => {
    const properties = { a: 1 };
    expect(valid({ type: 'track', userId: 'u', event: 'E', properties }).properties).toBe(properties);
  });
});

describe('validateEvent: extra fields', () => {
  it('keeps unknown and unstored Segment fields in extra, and drops writeKey', () => {
    const event = valid({
      type: 'track',
      userId: 'u',
      event: 'E',
      writeKey: 'secret',
      version: 2,
      channel: 'server',
      receivedAt: '2011-12-09T12:00:00Z',
      _metadata: { bundled: ['Segment.io'] },
      custom: null,
      skipped: undefined,
    });
    expect(event.extra).toStrictEqual({
      version: 2,
      channel: 'server',
      receivedAt: '2011-12-09T12:00:00Z',
      _metadata: { bundled: ['Segment.io'] },
      custom: null,
    });
    expect(JSON.stringify(event)).not.toContain('secret');
  });

  it('keeps event in extra for types other than track', () => {
    expect(valid({ type: 'page', userId: 'u', event: 'Viewed' })).toStrictEqual({
      type: 'page',
      userId: 'u',
      extra: { event: 'Viewed' },
    });
  });

  it('checks extra values like the other objects', () => {
    expect(summary(problemsOf({ type: 'identify', userId: 'u', custom: { when: new Date(0) } }))).toEqual([
      ['custom.when', 'type'],
    ]);
    expect(valid({ type: 'identify', userId: 'u', custom: nested(32) }).extra).toBeDefined();
    expect(summary(problemsOf({ type: 'identify', userId: 'u', custom: nested(33) }))[0]?.[1]).toBe(
      'too_deep',
    );
  });

  it('stores a top-level "__proto__" as data without touching prototypes', () => {
    const input = JSON.parse('{"type":"identify","userId":"u","__proto__":{"polluted":1}}');
    const event = valid(input);
    expect(Object.getPrototypeOf(event.extra)).toBe(Object.prototype);
    expect(Object.hasOwn(event.extra ?? {}, '__proto__')).toBe(true);
    expect(JSON.stringify(event.extra)).toBe('{"__proto__":{"polluted":1}}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('validateEvent: prototype pollution', () => {
  it('keeps "__proto__", "constructor" and "prototype" in properties as data', () => {
    const input = JSON.parse(
      '{"type":"track","userId":"u","event":"E","properties":' +
        '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":3}}',
    );
    const event = valid(input);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(event.properties)).toBe(Object.prototype);
    expect(JSON.stringify(event.properties)).toBe(
      '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":3}',
    );
  });
});

describe('validateEvent: many problems at once', () => {
  it('returns every problem with its path', () => {
    const result = validateEvent(
      {
        type: 'track',
        event: 'Order Completed',
        timestamp: 'soon',
        context: [],
        properties: {
          total: '12.5',
          currency: 'usd',
          products: [{ product_id: 1, quantity: 1 }, { quantity: 0 }, { price: -1 }],
        },
      },
      options,
    );
    expect(summary(result)).toEqual([
      ['context', 'type'],
      ['', 'required'],
      ['timestamp', 'format'],
      ['properties.order_id', 'required'],
      ['properties.total', 'type'],
      ['properties.currency', 'format'],
      ['properties.products[1].quantity', 'out_of_range'],
      ['properties.products[2].price', 'out_of_range'],
    ]);
  });
});

describe('validateEvent: never throws', () => {
  it('turns throwing getters and proxies into a problem', () => {
    const hostile = {
      type: 'track',
      get userId(): string {
        throw new Error('boom');
      },
    };
    expect(problemsOf(hostile)).toEqual([
      { path: '', code: 'type', reason: 'must be a plain JSON object, reading it failed: boom' },
    ]);
    const proxy = new Proxy(
      {},
      {
        getPrototypeOf: () => Object.prototype,
        get: () => {
          throw new Error('trap');
        },
      },
    );
    expect(summary(problemsOf(proxy))).toEqual([['', 'type']]);
  });

  it('accepts an object without a prototype', () => {
    const input = Object.assign(Object.create(null) as Record<string, unknown>, {
      type: 'identify',
      userId: 'u',
    });
    expect(valid(input)).toStrictEqual({ type: 'identify', userId: 'u' });
  });
});
