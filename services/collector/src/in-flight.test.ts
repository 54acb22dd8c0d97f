import { connect } from 'node:net';
import { createLogger, createMetricsRegistry } from '@pulse/common';
import { LIMITS } from '@pulse/events';
import type { FastifyInstance } from 'fastify';
import type { Message } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollectorMetrics } from './metrics.js';
import { buildCollectorServer, type EventSink } from './server.js';
import { WriteKeyStore } from './write-keys.js';

const AUTH = `Basic ${Buffer.from('k:').toString('base64')}`;

/** Holds every send until released, as a Kafka that is slow to acknowledge would. */
class HeldSink implements EventSink {
  readonly messages: Message[] = [];
  private waiting: Array<() => void> = [];

  async send(_topic: string, messages: Message[]): Promise<void> {
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.messages.push(...messages);
  }

  get held(): number {
    return this.waiting.length;
  }

  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
});

/** A collector on a free port with `limits` added to the defaults; returns its port. */
async function listen(sink: HeldSink, limits: { maxInFlightRequests: number; requestTimeoutMs?: number }) {
  const registry = createMetricsRegistry('collector-in-flight', { defaultMetrics: false });
  app = await buildCollectorServer({
    config: {
      limits: {
        maxEventBytes: LIMITS.maxEventBytes,
        maxBatchBytes: LIMITS.maxBatchBytes,
        maxDecompressedBytes: LIMITS.maxBatchBytes * 4,
        ...limits,
      },
      corsOrigins: ['*'],
    },
    topic: 't',
    sink,
    keys: new WriteKeyStore([{ key: 'k', sourceId: 's' }]),
    logger: createLogger({ service: 'collector-unit', level: 'silent' }),
    metrics: createCollectorMetrics(registry),
    registry,
    readiness: () => ({ ready: true, reasons: [] }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

describe('requests in flight', () => {
  it('answers 503 with Retry-After past the limit, before reading the body, and takes requests again once under it', async () => {
    const sink = new HeldSink();
    const port = await listen(sink, { maxInFlightRequests: 2 });
    const url = `http://127.0.0.1:${port}/v1/track`;
    const send = (n: number) =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'Clicked', userId: `u${n}`, messageId: `m${n}` }),
      });

    const first = send(1);
    const second = send(2);
    while (sink.held < 2) await new Promise((r) => setTimeout(r, 10));
    const refused = await send(3);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: 'overloaded' });
    // Health and metrics are never refused.
    expect((await fetch(url.replace('/v1/track', '/healthz'))).status).toBe(200);

    sink.release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    const again = send(4);
    while (sink.held < 1) await new Promise((r) => setTimeout(r, 10));
    sink.release();
    expect((await again).status).toBe(200);
    expect(sink.messages).toHaveLength(3);
  });
});

describe('request time limit', () => {
  it('answers 408 and frees the slot when a body trickles in slower than the limit', async () => {
    const sink = new HeldSink();
    const port = await listen(sink, { maxInFlightRequests: 1, requestTimeoutMs: 500 });
    // Headers and a first byte of a 100-byte body, then nothing.
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      `POST /v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
    );
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    // The slot it held is free again.
    const url = `http://127.0.0.1:${port}/v1/track`;
    const res = fetch(url, {
      method: 'POST',
      headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'Clicked', userId: 'u', messageId: 'm' }),
    });
    while (sink.held < 1) await new Promise((r) => setTimeout(r, 10));
    sink.release();
    expect((await res).status).toBe(200);
  });
});
