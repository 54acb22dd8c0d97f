import { gzipSync } from 'node:zlib';
import { createLogger, createMetricsRegistry } from '@pulse/common';
import { LIMITS } from '@pulse/events';
import { KafkaUnavailableError } from '@pulse/kafka';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollectorMetrics } from './metrics.js';
import { SourceRateLimiter } from './rate-limit.js';
import { buildCollectorServer } from './server.js';
import { sha256Hex, WriteKeyStore } from './write-keys.js';

// Every kind of request the collector answers, logged at trace level: no
// line may carry a body, a write key or an IP address, whatever the outcome.

const KEY = 'secret-live-key-7f3a';
const REVOKED = 'secret-revoked-key-91bc';
const UNKNOWN = 'secret-unknown-key-44de';
const EMAIL = 'ada.lovelace@example.com';
const IP = '203.0.113.77';
const IPV6 = '2001:db8:abcd:12::77';
const PHONE = '+44 20 7946 0321';
const MARKER = 'raw-body-marker-5d1e';
// Not '7946' alone: four digits also turn up in random request ids.
const SECRETS = [KEY, REVOKED, UNKNOWN, EMAIL, IP, IPV6, PHONE, MARKER, '79460321', '7946 0321'];

const lines: string[] = [];
let failKafka = false;
let app: FastifyInstance;

beforeAll(async () => {
  const registry = createMetricsRegistry('collector-logs', { defaultMetrics: false });
  app = await buildCollectorServer({
    config: {
      limits: {
        maxEventBytes: LIMITS.maxEventBytes,
        maxBatchBytes: LIMITS.maxBatchBytes,
        maxDecompressedBytes: LIMITS.maxBatchBytes * 4,
      },
      corsOrigins: ['*'],
    },
    topic: 'logs.events',
    sink: {
      async send() {
        if (failKafka) throw new KafkaUnavailableError('broker down');
      },
    },
    keys: new WriteKeyStore(
      [{ key: KEY, sourceId: 'web' }],
      [{ sourceId: 'old', sha256: sha256Hex(REVOKED), revoked: true }],
    ),
    logger: createLogger(
      { service: 'collector', level: 'trace' },
      { write: (l: string) => void lines.push(l) },
    ),
    metrics: createCollectorMetrics(registry),
    registry,
    readiness: () => ({ ready: true, reasons: [] }),
    rateLimiter: new SourceRateLimiter(5, () => 0),
    privacy: {
      anonymizeIp: true,
      hashTraits: ['email'],
      consent: { category: 'analytics', mode: 'opt-out' },
    },
  });
});

afterAll(() => app.close());

const identify = (messageId: string, extra: Record<string, unknown> = {}) => ({
  type: 'identify',
  userId: 'u-1',
  messageId,
  traits: { email: EMAIL, phone: PHONE, note: MARKER },
  context: { ip: IP, traits: { email: EMAIL } },
  properties: { note: MARKER },
  ...extra,
});

function send(body: string | Buffer, key: string | undefined, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/batch',
    payload: body,
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': `${IP}, ${IPV6}`,
      'user-agent': `agent ${EMAIL}`,
      ...(key === undefined ? {} : { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` }),
      ...headers,
    },
  });
}

describe('collector logs', () => {
  it('never contain a body, a write key or an IP address, whatever the answer', async () => {
    const json = (body: unknown) => JSON.stringify(body);
    const statuses: number[] = [];
    const answer = async (res: Promise<{ statusCode: number }>) => statuses.push((await res).statusCode);

    await answer(send(json({ batch: [identify('m-ok')] }), KEY));
    await answer(send(json({ writeKey: KEY, batch: [identify('m-body-key')] }), undefined));
    await answer(
      send(
        json({
          batch: [
            identify('m-bad-time', { timestamp: EMAIL }),
            identify('m-bad-id', { userId: { email: EMAIL, ip: IP } }),
            identify('m-consent', {
              context: { ip: IP, consent: { categoryPreferences: { analytics: false } } },
            }),
            { type: 'track', event: MARKER, userId: EMAIL, context: { ip: IPV6 } },
          ],
        }),
        KEY,
      ),
    );
    await answer(send(`{"batch": [{"email": "${EMAIL}", "ip": "${IP}", "note": "${MARKER}"`, KEY));
    await answer(send(Buffer.from([0x7b, 0xff, ...Buffer.from(EMAIL)]), KEY));
    await answer(
      send(gzipSync(json({ batch: [identify('m-gzip')] })).subarray(0, 30), KEY, {
        'content-encoding': 'gzip',
      }),
    );
    await answer(send(json({ batch: [identify('m-unknown')] }), UNKNOWN));
    await answer(send(json({ writeKey: UNKNOWN, batch: [identify('m-unknown-body')] }), undefined));
    await answer(send(json({ batch: [identify('m-revoked')] }), REVOKED));
    await answer(send(json({ batch: Array.from({ length: 10 }, (_, i) => identify(`m-limit-${i}`)) }), KEY));
    failKafka = true;
    await answer(send(json({ batch: [identify('m-kafka')] }), KEY, {}));
    failKafka = false;

    // Every path was taken: accepted, partial, body errors, 401s, 429, 503...
    expect(statuses).toEqual([200, 200, 400, 400, 400, 400, 401, 401, 401, 429, 503]);
    // ...and logged, at trace level, with what they are about.
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const text = lines.join('\n');
    expect(text).toContain('m-ok');
    expect(text).toContain('PULSE_BODY_NOT_JSON');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text.toLowerCase()).not.toContain('ada.lovelace');
  });
});
