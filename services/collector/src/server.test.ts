import { once } from 'node:events';
import { createGzip, deflateSync, gzipSync } from 'node:zlib';
import { createLogger, createMetricsRegistry, type Readiness } from '@pulse/common';
import { LIMITS, type StoredEvent, splitRecord } from '@pulse/events';
import { KafkaUnavailableError, ProducerBackpressureError } from '@pulse/kafka';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Message } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectorMetrics } from './metrics.js';
import { buildCollectorServer, ENDPOINTS, type EventSink } from './server.js';
import { WriteKeyStore } from './write-keys.js';

const KEY = 'unit-key';
const TOPIC = 'unit.events';
const AUTH = `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`;

/** Keeps what it is sent; `failWith` makes the next sends throw. */
class MemorySink implements EventSink {
  readonly messages: Message[] = [];
  failWith: Error | undefined;

  async send(topic: string, messages: Message[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    expect(topic).toBe(TOPIC);
    this.messages.push(...messages);
  }

  /** The stored events of every record, in order (a record holds one person's events, one per line). */
  stored(): StoredEvent[] {
    return this.messages.flatMap((m) =>
      splitRecord(String(m.value)).map((line) => JSON.parse(line) as StoredEvent),
    );
  }
}

/** A valid event for each endpoint. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  track: { event: 'Signed Up', userId: 'u1' },
  identify: { userId: 'u1', traits: { plan: 'pro' } },
  page: { anonymousId: 'a1', name: 'Home' },
  screen: { anonymousId: 'a1', name: 'Settings' },
  group: { userId: 'u1', groupId: 'g1' },
  alias: { userId: 'u1', previousId: 'a1' },
  batch: { batch: [{ type: 'track', event: 'Clicked', userId: 'u1' }] },
};

let sink: MemorySink;
let readiness: Readiness;
let app: FastifyInstance;

beforeEach(async () => {
  sink = new MemorySink();
  readiness = { ready: true, reasons: [] };
  const registry = createMetricsRegistry('collector-unit', { defaultMetrics: false });
  app = await buildCollectorServer({
    config: {
      limits: {
        maxEventBytes: LIMITS.maxEventBytes,
        maxBatchBytes: LIMITS.maxBatchBytes,
        maxDecompressedBytes: LIMITS.maxBatchBytes * 4,
      },
      corsOrigins: ['*'],
    },
    topic: TOPIC,
    sink,
    keys: new WriteKeyStore([{ key: KEY, sourceId: 'src-1' }]),
    logger: createLogger({ service: 'collector-unit', level: 'silent' }),
    metrics: createCollectorMetrics(registry),
    registry,
    readiness: () => readiness,
  });
});

afterEach(() => app.close());

function post(path: string, payload: unknown, options: Partial<InjectOptions> = {}) {
  const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
  const headers = { authorization: AUTH, 'content-type': 'application/json', ...options.headers };
  const defined = Object.entries(headers).filter(([, v]) => v !== undefined);
  return app.inject({
    method: 'POST',
    url: path,
    payload: body,
    ...options,
    headers: Object.fromEntries(defined),
  });
}

/** Gzip of `bytes` zeros, made without holding them (a sync gzip would leave 50 MB of garbage behind). */
async function gzipZeros(bytes: number): Promise<Buffer> {
  const zeros = Buffer.alloc(1024 * 1024);
  const gzip = createGzip();
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  for (let written = 0; written < bytes; written += zeros.length) {
    if (!gzip.write(zeros)) await once(gzip, 'drain');
  }
  gzip.end();
  await once(gzip, 'end');
  return Buffer.concat(out);
}

function withoutHeader(name: string): Partial<InjectOptions> {
  return { headers: { [name]: undefined } };
}

describe('endpoints', () => {
  it.each(Object.entries(ENDPOINTS))('POST /v1/%s stores a %s event', async (path, endpoint) => {
    const res = await post(`/v1/${path}`, SAMPLES[endpoint]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    expect(sink.stored().map((e) => e.type)).toEqual([endpoint === 'batch' ? 'track' : endpoint]);
    expect(sink.stored()[0]!.source_id).toBe('src-1');
  });

  it('stores every event of a batch, in order', async () => {
    const batch = ['m1', 'm2', 'm3'].map((messageId) => ({
      type: 'track',
      event: 'E',
      userId: 'u',
      messageId,
    }));
    const res = await post('/v1/batch', { batch });
    expect(res.statusCode).toBe(200);
    expect(sink.stored().map((e) => e.message_id)).toEqual(['m1', 'm2', 'm3']);
  });

  it('refuses a type that does not match the endpoint', async () => {
    const res = await post('/v1/track', { ...SAMPLES['identify'], type: 'identify' });
    expect(res.statusCode).toBe(400);
    expect(res.json().rejected).toEqual([
      expect.objectContaining({ index: null, field: 'type', code: 'unknown_type' }),
    ]);
    expect(sink.messages).toHaveLength(0);
  });

  it('answers 404 for an unknown endpoint', async () => {
    const res = await post('/v1/nope', SAMPLES['track']);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ success: false, error: 'unknown_endpoint' });
    expect(sink.messages).toHaveLength(0);
  });

  it('keys each message by userId, else anonymousId', async () => {
    const batch = [
      { type: 'track', event: 'E', userId: 'user-1', anonymousId: 'anon-1' },
      { type: 'track', event: 'E', anonymousId: 'anon-2' },
      { type: 'track', event: 'E', userId: 42 },
    ];
    expect((await post('/v1/batch', { batch })).statusCode).toBe(200);
    expect(sink.messages.map((m) => String(m.key))).toEqual(['user-1', 'anon-2', '42']);
  });
});

describe('partial batches', () => {
  it('keeps the good events and answers 400 naming the bad ones', async () => {
    const batch = [
      { type: 'track', event: 'Good', userId: 'u1', messageId: 'good-1' },
      { type: 'track', userId: 'u1', messageId: 'bad-1' },
      { type: 'track', event: 'Good', anonymousId: 'a1', messageId: 'good-2' },
      { type: 'track', event: 'Bad', messageId: 'bad-2' },
      { type: 'nonsense', userId: 'u1' },
    ];
    const res = await post('/v1/batch', { batch });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({ success: false, error: 'invalid_events', accepted: 2 });
    expect(body.rejected).toEqual([
      // The messageId comes back so that a client can match its events (and a retry counts once).
      { index: 1, messageId: 'bad-1', field: 'event', code: 'required', reason: expect.any(String) },
      {
        index: 3,
        messageId: 'bad-2',
        field: '',
        code: 'required',
        reason: expect.stringContaining('userId or anonymousId'),
      },
      { index: 4, field: 'type', code: 'unknown_type', reason: expect.any(String) },
    ]);
    expect(sink.stored().map((e) => e.message_id)).toEqual(['good-1', 'good-2']);
  });

  it('rejects an event too large once stored (too_large) and keeps the rest', async () => {
    const big = {
      type: 'track',
      event: 'Big',
      userId: 'u1',
      properties: { blob: 'x'.repeat(LIMITS.maxEventBytes) },
    };
    const small = { type: 'track', event: 'Small', userId: 'u1', messageId: 'small' };
    const res = await post('/v1/batch', { batch: [big, small] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, code: 'too_large' }] });
    expect(sink.stored().map((e) => e.message_id)).toEqual(['small']);
  });

  it('answers 400 for a batch envelope that is not one', async () => {
    const res = await post('/v1/batch', { batch: 'nope' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      accepted: 0,
      rejected: [{ index: null, field: 'batch', code: 'type' }],
    });
  });
});

describe('write keys', () => {
  it('answers 401 without a write key', async () => {
    const res = await post('/v1/track', SAMPLES['track'], withoutHeader('authorization'));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({
      success: false,
      error: 'unauthorized',
      reason: expect.stringContaining('no write key'),
    });
    expect(sink.messages).toHaveLength(0);
  });

  it('answers 401 for an unknown write key', async () => {
    const res = await post('/v1/track', SAMPLES['track'], {
      headers: { authorization: `Basic ${btoa('other:')}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().reason).toBe('unknown write key');
    expect(sink.messages).toHaveLength(0);
  });

  it('takes the write key from the body', async () => {
    const res = await post(
      '/v1/batch',
      { ...SAMPLES['batch'], writeKey: KEY },
      withoutHeader('authorization'),
    );
    expect(res.statusCode).toBe(200);
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]!.value).not.toContain(KEY);
  });

  it('answers 401 for an unknown write key in the body', async () => {
    const res = await post(
      '/v1/track',
      { ...SAMPLES['track'], writeKey: 'other' },
      withoutHeader('authorization'),
    );
    expect(res.statusCode).toBe(401);
  });
});

describe('bodies', () => {
  const json = JSON.stringify(SAMPLES['track']);

  it.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['form', 'application/x-www-form-urlencoded'],
    ['malformed', 'not a media type;;'],
  ])('parses JSON sent with a %s Content-Type', async (_name, contentType) => {
    const res = await post('/v1/track', json, { headers: { 'content-type': contentType } });
    expect(res.statusCode).toBe(200);
    expect(sink.messages).toHaveLength(1);
  });

  it('parses JSON sent without a Content-Type', async () => {
    const res = await post('/v1/track', json, withoutHeader('content-type'));
    expect(res.statusCode).toBe(200);
    expect(sink.messages).toHaveLength(1);
  });

  it.each(['gzip', 'deflate'])('inflates a %s body', async (encoding) => {
    const payload = encoding === 'gzip' ? gzipSync(json) : deflateSync(json);
    const res = await post('/v1/track', payload, { headers: { 'content-encoding': encoding } });
    expect(res.statusCode).toBe(200);
    expect(sink.stored()[0]!.event).toBe('Signed Up');
  });

  it('answers 413 to a gzip bomb without inflating it whole', async () => {
    const bomb = await gzipZeros(50 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(LIMITS.maxBatchBytes); // only the decompressed size is too large
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 1);
    const res = await post('/v1/batch', bomb, { headers: { 'content-encoding': 'gzip' } });
    clearInterval(sampler);
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toBe('PULSE_BODY_TOO_LARGE');
    expect(peak - before).toBeLessThan(20 * 1024 * 1024);
    expect(sink.messages).toHaveLength(0);
  });

  it('bounds a single event inflated to 4 times its wire limit', async () => {
    const padded = JSON.stringify({ ...SAMPLES['track'], properties: { pad: ' '.repeat(200_000) } });
    const res = await post('/v1/track', gzipSync(padded), { headers: { 'content-encoding': 'gzip' } });
    expect(res.statusCode).toBe(413);
  });

  it.each([
    ['invalid gzip', Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' }, 'PULSE_BODY_UNREADABLE'],
    [
      'truncated gzip',
      gzipSync(json).subarray(0, 20),
      { 'content-encoding': 'gzip' },
      'PULSE_BODY_UNREADABLE',
    ],
    ['invalid JSON', '{"event": "x",', {}, 'PULSE_BODY_NOT_JSON'],
    [
      'invalid UTF-8',
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
      {},
      'PULSE_BODY_NOT_UTF8',
    ],
    ['an empty body', '', {}, 'PULSE_BODY_EMPTY'],
    ['an empty body without Content-Type', '', { 'content-type': undefined }, 'PULSE_BODY_EMPTY'],
  ])('answers 400 to %s', async (_name, payload, headers, error) => {
    const res = await post('/v1/track', payload, { headers });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ success: false, error });
    expect(sink.messages).toHaveLength(0);
  });

  it('answers 413 to a single event body over 33 KB', async () => {
    const payload = JSON.stringify({ ...SAMPLES['track'], properties: { pad: 'x'.repeat(34 * 1024) } });
    const res = await post('/v1/track', payload);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ success: false, error: 'PULSE_BODY_TOO_LARGE' });
  });

  it('accepts a batch body over 33 KB but answers 413 over 500 KB', async () => {
    const event = (pad: number) => ({
      type: 'track',
      event: 'E',
      userId: 'u',
      properties: { pad: 'x'.repeat(pad) },
    });
    const ok = await post('/v1/batch', { batch: Array.from({ length: 10 }, () => event(10_000)) });
    expect(ok.statusCode).toBe(200);
    const tooBig = await post('/v1/batch', { batch: Array.from({ length: 20 }, () => event(30_000)) });
    expect(tooBig.statusCode).toBe(413);
    expect(sink.stored()).toHaveLength(10);
  });

  it('answers 415 to an unsupported Content-Encoding', async () => {
    const res = await post('/v1/track', json, { headers: { 'content-encoding': 'br' } });
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toBe('PULSE_BODY_ENCODING');
  });
});

describe('Kafka failures', () => {
  it('answers 503 with Retry-After when Kafka is unavailable', async () => {
    sink.failWith = new KafkaUnavailableError('broker down');
    const res = await post('/v1/batch', SAMPLES['batch']);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({
      success: false,
      error: 'unavailable',
      reason: expect.stringContaining('broker down'),
    });
  });

  it('answers 429 with Retry-After under producer backpressure', async () => {
    sink.failWith = new ProducerBackpressureError(100, 50);
    const res = await post('/v1/track', SAMPLES['track']);
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ success: false, error: 'overloaded' });
  });
});

describe('CORS and operations', () => {
  it('answers a CORS preflight', async () => {
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/v1/batch',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(String(res.headers['access-control-allow-headers'])).toContain('Authorization');
  });

  it('sends Access-Control-Allow-Origin on a cross-origin POST', async () => {
    const res = await post('/v1/track', SAMPLES['track'], { headers: { origin: 'https://shop.example' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.example');
  });

  it('answers /healthz, and /readyz by the readiness check', async () => {
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    readiness = { ready: false, reasons: ['kafka producer broken: connection refused'] };
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'not_ready',
      reasons: ['kafka producer broken: connection refused'],
    });
  });

  it('counts events in /metrics', async () => {
    await post('/v1/track', SAMPLES['track']);
    await post('/v1/track', { userId: 'u1' });
    const text = (await app.inject('/metrics')).body;
    expect(text).toMatch(/pulse_collector_events_total\{outcome="accepted",reason="".*\} 1/);
    expect(text).toMatch(/pulse_collector_events_total\{outcome="rejected",reason="required".*\} 1/);
    expect(text).toMatch(/pulse_http_requests_total\{route="\/v1\/track",status="200".*\} 1/);
  });
});

describe('records', () => {
  it('puts one person’s events of a request in one record keyed by them, in order', async () => {
    const batch = [
      { type: 'track', event: 'A', userId: 'u1', messageId: 'x1' },
      { type: 'track', event: 'B', anonymousId: 'anon', messageId: 'x2' },
      { type: 'track', event: 'C', userId: 'u1', messageId: 'x3' },
    ];
    const res = await post('/v1/batch', { batch });
    expect(res.statusCode).toBe(200);
    expect(sink.messages.map((m) => String(m.key))).toEqual(['u1', 'anon']);
    expect(
      splitRecord(String(sink.messages[0]!.value)).map((l) => (JSON.parse(l) as StoredEvent).message_id),
    ).toEqual(['x1', 'x3']);
  });
});
