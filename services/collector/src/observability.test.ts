import { createLogger, createMetricsRegistry } from '@pulse/common';
import { LIMITS } from '@pulse/events';
import { KafkaUnavailableError } from '@pulse/kafka';
import type { FastifyInstance } from 'fastify';
import type { Message } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectorMetrics } from './metrics.js';
import { producerReadiness } from './readiness.js';
import { buildCollectorServer, type EventSink } from './server.js';
import { WriteKeyStore } from './write-keys.js';

const KEY = 'obs-key';
const AUTH = `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`;

let lines: string[];
let failWith: Error | undefined;
let app: FastifyInstance;

beforeEach(async () => {
  lines = [];
  failWith = undefined;
  const sink: EventSink = {
    async send(_topic: string, _messages: Message[]) {
      if (failWith) throw failWith;
    },
  };
  const registry = createMetricsRegistry('collector-obs', { defaultMetrics: false });
  app = await buildCollectorServer({
    config: {
      limits: {
        maxEventBytes: LIMITS.maxEventBytes,
        maxBatchBytes: LIMITS.maxBatchBytes,
        maxDecompressedBytes: LIMITS.maxBatchBytes * 4,
      },
      corsOrigins: ['*'],
    },
    topic: 'obs.events',
    sink,
    keys: new WriteKeyStore([{ key: KEY, sourceId: 'src' }]),
    // Logs go to memory, at debug: the per-request lines are the ones that carry the correlation ids.
    logger: createLogger(
      { service: 'collector', level: 'debug' },
      { write: (l: string) => void lines.push(l) },
    ),
    metrics: createCollectorMetrics(registry),
    registry,
    readiness: () => ({ ready: true, reasons: [] }),
  });
});

afterEach(() => app.close());

const logs = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

function post(body: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/batch',
    payload: JSON.stringify(body),
    headers: { authorization: AUTH, 'content-type': 'application/json', ...headers },
  });
}

const identify = (messageId: string) => ({
  type: 'identify',
  userId: 'u-1',
  messageId,
  traits: { email: 'ada@example.com', firstName: 'Ada', plan: 'pro' },
  context: { ip: '203.0.113.9' },
});

describe('correlation ids', () => {
  it("keeps the client's X-Request-Id, echoes it, and logs it with the events' messageIds", async () => {
    const res = await post(
      { batch: [identify('m-1'), identify('m-2')] },
      { 'x-request-id': 'client-req-42' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('client-req-42');
    expect(logs()).toEqual([
      expect.objectContaining({
        service: 'collector',
        requestId: 'client-req-42',
        route: '/v1/batch',
        messageIds: ['m-1', 'm-2'],
        msg: 'events received',
      }),
    ]);
  });

  it('makes up a request id when the client sent none or an unusable one', async () => {
    const a = await post({ batch: [identify('m-1')] });
    const b = await post({ batch: [identify('m-2')] }, { 'x-request-id': 'x'.repeat(500) });
    const ids = [a.headers['x-request-id'], b.headers['x-request-id']];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(logs().map((l) => l['requestId'])).toEqual(ids);
  });

  it('names the request and its rejected events, and a Kafka failure, in the logs', async () => {
    const refused = await post({ batch: [identify('m-ok'), { type: 'track', userId: 'u' }] });
    expect(refused.statusCode).toBe(400);
    failWith = new KafkaUnavailableError('broker down');
    const unavailable = await post({ batch: [identify('m-lost')] }, { 'x-request-id': 'r-503' });
    expect(unavailable.statusCode).toBe(503);
    const [first, second] = logs();
    expect(first).toMatchObject({
      requestId: refused.headers['x-request-id'],
      messageIds: ['m-ok'],
      rejected: [{ index: 1, field: 'event', code: 'required' }],
    });
    expect(second).toMatchObject({ requestId: 'r-503', messageIds: ['m-lost'], err: 'broker down' });
  });

  it('never writes the personal data of the events it logs about', async () => {
    await post({ batch: [identify('m-1')] }, { 'x-request-id': 'r-1' });
    const text = lines.join('');
    expect(text).toContain('r-1');
    expect(text).not.toMatch(/ada@example\.com|203\.0\.113\.9|obs-key/);
  });
});

describe('producerReadiness', () => {
  const status = (state: 'ready' | 'broken', pendingBytes = 0, lastError = '') => ({
    state,
    pendingBytes,
    lastError,
  });

  it('is ready while Kafka acknowledges and little waits', () => {
    expect(producerReadiness(status('ready', 100), 1000)).toEqual({ ready: true, reasons: [] });
  });

  it('is not ready, with the reason, when the producer is not connected', () => {
    expect(producerReadiness(status('broken', 0, 'Connection refused'), 1000)).toEqual({
      ready: false,
      reasons: ['kafka producer broken: Connection refused'],
    });
  });

  it('is not ready when the backlog is about to make requests fail with 429', () => {
    const r = producerReadiness(status('ready', 950), 1000);
    expect(r.ready).toBe(false);
    expect(r.reasons).toEqual([expect.stringContaining('950 of 1000 bytes')]);
  });
});
