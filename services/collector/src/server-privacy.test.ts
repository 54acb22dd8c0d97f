import { createHash } from 'node:crypto';
import { createLogger, createMetricsRegistry } from '@pulse/common';
import { LIMITS, type StoredEvent, splitRecord } from '@pulse/events';
import type { FastifyInstance } from 'fastify';
import type { Message } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollectorMetrics } from './metrics.js';
import type { PrivacyPolicy } from './privacy.js';
import { SourceRateLimiter } from './rate-limit.js';
import { buildCollectorServer } from './server.js';
import { sha256Hex, WriteKeyStore } from './write-keys.js';

// Write keys from a file, rate limits, and privacy as the HTTP API applies them.

const auth = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

let app: FastifyInstance | undefined;
let messages: Message[];
let now: number;

afterEach(() => app?.close());

async function build(options: { privacy?: PrivacyPolicy; rate?: number; keys?: WriteKeyStore } = {}) {
  messages = [];
  now = 1_000_000;
  const registry = createMetricsRegistry('collector-privacy', { defaultMetrics: false });
  app = await buildCollectorServer({
    config: {
      limits: {
        maxEventBytes: LIMITS.maxEventBytes,
        maxBatchBytes: LIMITS.maxBatchBytes,
        maxDecompressedBytes: LIMITS.maxBatchBytes * 4,
      },
      corsOrigins: ['*'],
    },
    topic: 't',
    sink: { send: async (_t, m) => void messages.push(...m) },
    keys: options.keys ?? new WriteKeyStore([{ key: 'web-key', sourceId: 'web' }]),
    logger: createLogger({ service: 'collector', level: 'silent' }),
    metrics: createCollectorMetrics(registry),
    registry,
    readiness: () => ({ ready: true, reasons: [] }),
    ...(options.rate === undefined ? {} : { rateLimiter: new SourceRateLimiter(options.rate, () => now) }),
    ...(options.privacy ? { privacy: options.privacy } : {}),
  });
  return app;
}

function post(path: string, body: unknown, key = 'web-key') {
  return app!.inject({
    method: 'POST',
    url: path,
    payload: JSON.stringify(body),
    headers: { authorization: auth(key), 'content-type': 'application/json' },
  });
}

const stored = () =>
  messages.flatMap((m) => splitRecord(String(m.value)).map((l) => JSON.parse(l) as StoredEvent));

const metric = async (name: string) =>
  (await app!.inject('/metrics')).body.split('\n').filter((l) => l.startsWith(name));

const track = (messageId: string, context: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'Viewed',
  userId: 'u1',
  messageId,
  context,
});

describe('write keys from a keys file', () => {
  it('answers 401 "write key revoked" once the file revokes a key, and accepts the new one', async () => {
    const keys = new WriteKeyStore([], [{ sourceId: 'web', sha256: sha256Hex('old-key') }]);
    await build({ keys });
    expect((await post('/v1/track', track('k1'), 'old-key')).statusCode).toBe(200);
    keys.replaceFileEntries([
      { sourceId: 'web', sha256: sha256Hex('old-key'), revoked: true },
      { sourceId: 'web', sha256: sha256Hex('new-key') },
    ]);
    const refused = await post('/v1/track', track('k2'), 'old-key');
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ success: false, error: 'unauthorized', reason: 'write key revoked' });
    expect((await post('/v1/track', track('k3'), 'new-key')).statusCode).toBe(200);
    expect(stored().map((e) => [e.message_id, e.source_id])).toEqual([
      ['k1', 'web'],
      ['k3', 'web'],
    ]);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After and a reason past the burst, counting events, and recovers', async () => {
    await build({ rate: 10 });
    const batch = (n: number, tag: string) => ({
      batch: Array.from({ length: n }, (_, i) => track(`${tag}-${i}`)),
    });
    expect((await post('/v1/batch', batch(15, 'a'))).statusCode).toBe(200);
    expect((await post('/v1/track', track('b-0'))).statusCode).toBe(200);
    const refused = await post('/v1/batch', batch(5, 'c'));
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toEqual({
      success: false,
      error: 'rate_limited',
      reason: expect.stringContaining('source "web" is over its limit of 10 events per second'),
    });
    expect(await metric('pulse_collector_rate_limited_total')).toEqual([
      expect.stringMatching(/^pulse_collector_rate_limited_total\{source="web".*\} 5$/),
    ]);
    now += 500;
    expect((await post('/v1/batch', batch(5, 'd'))).statusCode).toBe(200);
    expect(stored().filter((e) => e.message_id.startsWith('c-'))).toEqual([]);
    expect(stored()).toHaveLength(21);
  });

  it("uses a key's own rate from the keys file", async () => {
    const keys = new WriteKeyStore(
      [{ key: 'web-key', sourceId: 'web' }],
      [{ sourceId: 'tiny', sha256: sha256Hex('tiny-key'), rateLimitPerSecond: 1 }],
    );
    await build({ rate: 1000, keys });
    expect((await post('/v1/track', track('t1'), 'tiny-key')).statusCode).toBe(200);
    expect((await post('/v1/track', track('t2'), 'tiny-key')).statusCode).toBe(200);
    const refused = await post('/v1/track', track('t3'), 'tiny-key');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().reason).toContain('limit of 1 events per second');
    expect((await post('/v1/track', track('w1'))).statusCode).toBe(200);
  });

  it('never limits without a limiter', async () => {
    await build();
    const batch = { batch: Array.from({ length: 500 }, (_, i) => track(`n-${i}`)) };
    for (let i = 0; i < 5; i++) expect((await post('/v1/batch', batch)).statusCode).toBe(200);
  });
});

describe('privacy', () => {
  it('stores context.ip anonymised and the listed traits hashed', async () => {
    await build({ privacy: { anonymizeIp: true, hashTraits: ['email', 'phone'] } });
    const res = await post('/v1/batch', {
      batch: [
        {
          type: 'identify',
          userId: 'u1',
          messageId: 'i1',
          traits: { email: 'Ada@Example.com ', phone: '+44 20 7946 0958', plan: 'pro' },
          context: { ip: '203.0.113.9', traits: { email: 'ada@example.com' } },
        },
        track('t1', { ip: '2001:db8:85a3:8d3:1319:8a2e:370:7348' }),
      ],
    });
    expect(res.statusCode).toBe(200);
    const [identify, viewed] = stored();
    expect(identify!.traits).toEqual({
      email: sha('ada@example.com'),
      phone: sha('+44 20 7946 0958'),
      plan: 'pro',
    });
    expect(identify!.context).toEqual({ ip: '203.0.113.0', traits: { email: sha('ada@example.com') } });
    expect(viewed!.context).toEqual({ ip: '2001:db8:85a3::' });
    const text = messages.map((m) => String(m.value)).join('');
    expect(text).not.toMatch(/203\.0\.113\.9|ada@example|7946/i);
  });

  it('acknowledges but never stores an event whose consent denies the category, and counts it', async () => {
    await build({
      privacy: { anonymizeIp: false, hashTraits: [], consent: { category: 'analytics', mode: 'opt-out' } },
    });
    const denied = { consent: { categoryPreferences: { Analytics: false, Advertising: true } } };
    const granted = { consent: { categoryPreferences: { Analytics: true } } };
    const res = await post('/v1/batch', {
      batch: [track('denied-1', denied), track('granted-1', granted), track('silent-1')],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    expect((await post('/v1/track', track('denied-2', denied))).statusCode).toBe(200);
    expect(stored().map((e) => e.message_id)).toEqual(['granted-1', 'silent-1']);
    expect(await metric('pulse_collector_consent_denied_total')).toEqual([
      expect.stringMatching(/^pulse_collector_consent_denied_total\{source="web".*\} 2$/),
    ]);
    expect(await metric('pulse_collector_events_total{outcome="accepted"')).toEqual([
      expect.stringMatching(/ 2$/),
    ]);
  });

  it('counts consent-denied events as acknowledged in a partial batch', async () => {
    await build({
      privacy: { anonymizeIp: false, hashTraits: [], consent: { category: 'analytics', mode: 'opt-in' } },
    });
    const granted = { consent: { categoryPreferences: { analytics: true } } };
    const res = await post('/v1/batch', {
      batch: [track('silent'), track('granted', granted), { type: 'track', userId: 'u1' }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ accepted: 2, rejected: [{ index: 2, field: 'event' }] });
    expect(stored().map((e) => e.message_id)).toEqual(['granted']);
  });
});
