import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import cors from '@fastify/cors';
import { errorMessage, handleOpsRequest, type Logger, type ReadinessCheck } from '@pulse/common';
import { KafkaUnavailableError, ProducerBackpressureError } from '@pulse/kafka';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Message } from 'kafkajs';
import type { Registry } from 'prom-client';
import { BodyError, MAX_DRAIN_BYTES, parseJsonBody, readBody } from './body.js';
import type { CollectorConfig } from './config.js';
import type { CollectorMetrics } from './metrics.js';
import { type Endpoint, eventCount, prepareEvents, type Rejection, writeKeyFromBody } from './prepare.js';
import { type PrivacyPolicy, privacyFilter } from './privacy.js';
import type { SourceRateLimiter } from './rate-limit.js';
import { registerRegulationRoute } from './regulation-route.js';
import { type WriteKeyStore, writeKeyFromAuthorization } from './write-keys.js';

/** Where accepted events go; the BatchingProducer in production. */
export interface EventSink {
  send(topic: string, messages: Message[]): Promise<void>;
}

export interface CollectorServerDeps {
  config: Pick<CollectorConfig, 'limits' | 'corsOrigins'>;
  topic: string;
  sink: EventSink;
  keys: WriteKeyStore;
  logger: Logger;
  metrics: CollectorMetrics;
  registry: Registry;
  readiness: ReadinessCheck;
  /** Per-source limits on events per second; absent: no limit. */
  rateLimiter?: SourceRateLimiter;
  /** Anonymisation, hashing and consent; absent: events are stored as sent. */
  privacy?: PrivacyPolicy;
  now?: () => Date;
  /** Sees every refused event (the demo explains its rejections with it). */
  onRejected?: (rejections: Rejection[]) => void;
  /** POST /v1/regulations and the suppression list it feeds (see regulation-route.ts). */
  regulations?: {
    adminKey: string | undefined;
    topic: string;
    isSuppressed(userKey: string): boolean;
    catchUp(): Promise<void>;
  };
}

/** The paths of Segment's HTTP API, and the one-letter ones analytics.js uses. */
export const ENDPOINTS: Record<string, Endpoint> = {
  batch: 'batch',
  b: 'batch',
  import: 'batch',
  track: 'track',
  t: 'track',
  identify: 'identify',
  i: 'identify',
  page: 'page',
  p: 'page',
  screen: 'screen',
  s: 'screen',
  group: 'group',
  g: 'group',
  alias: 'alias',
  a: 'alias',
};

/** A client's X-Request-Id is kept when it looks like an id; anything else (too long, odd characters) is replaced. */
const CLIENT_REQUEST_ID = /^[\w.:/+=-]{1,128}$/;

/** The request's correlation id: the client's X-Request-Id, else a fresh UUID. Echoed back and in every log line. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

const SINGLE_EVENT_OVERHEAD = 1024;
const DECOMPRESSION_FACTOR = 4;

export async function buildCollectorServer(deps: CollectorServerDeps): Promise<FastifyInstance> {
  const { config, metrics, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const privacy = deps.privacy ? privacyFilter(deps.privacy) : undefined;
  const consent = deps.privacy?.consent;
  const app = Fastify({
    // Request logs at 20,000 events/s would drown the rest; errors are logged below.
    logger: false,
    // Routes read bodies themselves; this only bounds what fastify buffers elsewhere.
    bodyLimit: config.limits.maxBatchBytes,
    return503OnClosing: true,
    // A client trickling a body holds a request slot: the whole request must arrive in time.
    ...(config.limits.requestTimeoutMs ? { requestTimeout: config.limits.requestTimeoutMs } : {}),
    requestIdHeader: false,
    genReqId: requestIdOf,
  });
  await app.register(cors, {
    origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
    methods: ['POST', 'GET', 'OPTIONS'],
    allowedHeaders: ['Content-Type', 'Authorization', 'Content-Encoding', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id'],
    maxAge: 86_400,
  });

  // Bodies are parsed as JSON whatever the Content-Type: analytics.js sends
  // text/plain to avoid CORS preflights, other SDKs send form headers.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    const batch =
      request.url.startsWith('/v1/b') ||
      request.url.startsWith('/v1/import') ||
      request.url.startsWith('/v1/regulations');
    const maxBytes = batch
      ? config.limits.maxBatchBytes
      : config.limits.maxEventBytes + SINGLE_EVENT_OVERHEAD;
    // A gzip body may inflate to DECOMPRESSION_FACTOR times its wire limit, never past the configured bound.
    const maxDecompressedBytes = Math.max(
      maxBytes,
      Math.min(maxBytes * DECOMPRESSION_FACTOR, config.limits.maxDecompressedBytes),
    );
    readBody(payload, request.headers['content-encoding'], {
      maxBytes,
      maxDecompressedBytes,
      ...(config.limits.requestTimeoutMs ? { timeoutMs: config.limits.requestTimeoutMs } : {}),
    }).then(
      (buf) => done(null, buf),
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err)), undefined),
    );
  });

  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  const inFlight = inFlightLimit(config.limits.maxInFlightRequests);
  if (inFlight) app.addHook('onRequest', inFlight);

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof BodyError) {
      metrics.events.inc({ outcome: 'rejected', reason: err.code });
      logger.debug(
        { requestId: request.id, route: routeOf(request.url), status: err.status, reason: err.code },
        'request refused',
      );
      // Fastify closes the connection after a body it could not take, in case more of it follows, and a
      // client still sending then gets a reset instead of this answer. readBody drains what follows (up to
      // MAX_DRAIN_BYTES), so the connection can stay; a client announcing more than that is cut off.
      // A body that timed out is not waited for any longer: that connection closes.
      if (err.status !== 408 && Number(request.headers['content-length'] ?? 0) <= MAX_DRAIN_BYTES) {
        reply.removeHeader('connection');
      }
      return reply.code(err.status).send({ success: false, error: err.code, reason: err.message });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply.code(status).send({ success: false, error: 'bad_request', reason: errorMessage(err) });
    }
    logger.error(
      { requestId: request.id, err: errorMessage(err), route: routeOf(request.url) },
      'unexpected error',
    );
    return reply
      .code(500)
      .send({ success: false, error: 'internal', reason: 'unexpected error; see the logs' });
  });

  app.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request.url);
    metrics.httpRequests.inc({ route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
    done();
  });

  for (const path of ['/metrics', '/healthz', '/readyz']) {
    app.get(path, async (request, reply) => {
      const res = await handleOpsRequest(request.url, deps);
      return reply.code(res.status).type(res.contentType).send(res.body);
    });
  }

  // Fastify answers 415 to a malformed Content-Type before any parser runs;
  // the header means nothing here, so it is dropped before fastify reads it.
  const ignoreContentType = (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    delete request.headers['content-type'];
    done();
  };

  const regulations = deps.regulations;
  if (regulations) {
    registerRegulationRoute(
      app,
      {
        adminKey: regulations.adminKey,
        topic: regulations.topic,
        sink: deps.sink,
        catchUp: () => regulations.catchUp(),
        logger,
        now,
      },
      ignoreContentType,
    );
  }
  const suppressed = regulations ? (userKey: string) => regulations.isSuppressed(userKey) : undefined;

  app.post<{ Params: { endpoint: string } }>(
    '/v1/:endpoint',
    { onRequest: ignoreContentType },
    async (request, reply) => {
      const endpoint = ENDPOINTS[request.params.endpoint];
      if (!endpoint) {
        return reply.code(404).send({
          success: false,
          error: 'unknown_endpoint',
          reason: `POST /v1/${request.params.endpoint} is not an endpoint; use /v1/batch, /v1/track, /v1/identify, /v1/page, /v1/screen, /v1/group or /v1/alias`,
        });
      }
      const receivedAt = now();
      // Without a Content-Type and a body length fastify skips the parser: the body is then empty.
      const body = parseJsonBody((request.body as Buffer | undefined) ?? Buffer.alloc(0));
      const key = writeKeyFromAuthorization(request.headers.authorization) ?? writeKeyFromBody(body);
      const found = key === undefined ? undefined : deps.keys.lookup(key);
      if (found?.status !== 'ok') {
        return reply.code(401).send({
          success: false,
          error: 'unauthorized',
          reason:
            found === undefined
              ? 'no write key: send it as the Basic auth user name or as "writeKey" in the body'
              : found.status === 'revoked'
                ? 'write key revoked'
                : 'unknown write key',
        });
      }
      const { sourceId } = found;
      if (deps.rateLimiter) {
        // Events, not requests: one batch of 500 costs what 500 single calls do.
        const count = eventCount(body, endpoint);
        const taken = deps.rateLimiter.take(sourceId, count, found.rateLimitPerSecond);
        if (!taken.ok) {
          metrics.rateLimited.inc({ source: sourceId }, count);
          void reply.header('retry-after', String(taken.retryAfterSeconds));
          const rate = found.rateLimitPerSecond ?? deps.rateLimiter.defaultRate;
          return reply.code(429).send({
            success: false,
            error: 'rate_limited',
            reason: `source "${sourceId}" is over its limit of ${rate} events per second; the events were not stored, send them again in ${taken.retryAfterSeconds} s`,
          });
        }
      }
      const prepared = prepareEvents(body, endpoint, {
        receivedAt,
        sourceId,
        maxEventBytes: config.limits.maxEventBytes,
        ...(privacy ? { privacy } : {}),
        ...(consent ? { consent } : {}),
        ...(suppressed ? { suppressed } : {}),
      });
      if (prepared.consentDenied > 0) metrics.consentDenied.inc({ source: sourceId }, prepared.consentDenied);
      if (prepared.suppressed > 0) metrics.suppressed.inc({ source: sourceId }, prepared.suppressed);
      if (prepared.messages.length > 0) {
        try {
          await deps.sink.send(deps.topic, prepared.messages);
        } catch (err) {
          metrics.events.inc({ outcome: 'unavailable', reason: 'kafka' }, prepared.accepted);
          // Per request only at debug: an outage is logged once by the producer, not 20,000 times a second.
          logger.debug(
            { requestId: request.id, messageIds: prepared.messageIds, err: errorMessage(err) },
            'events not acknowledged by Kafka',
          );
          return unavailable(reply, err);
        }
        metrics.events.inc({ outcome: 'accepted', reason: '' }, prepared.accepted);
      }
      if (logger.isLevelEnabled('debug')) {
        logger.debug(
          {
            requestId: request.id,
            route: `/v1/${endpoint}`,
            messageIds: prepared.messageIds,
            consentDenied: prepared.consentDenied,
            rejected: prepared.rejected.map((r) => ({ index: r.index, field: r.field, code: r.code })),
          },
          'events received',
        );
      }
      if (prepared.rejectedEvents.size === 0) return reply.code(200).send({ success: true });
      // Counted per event (its first problem), not per problem.
      let rejectedEvents = 0;
      for (const [code, n] of prepared.rejectedEvents) {
        metrics.events.inc({ outcome: 'rejected', reason: code }, n);
        rejectedEvents += n;
      }
      deps.onRejected?.(prepared.rejected);
      return reply.code(400).send({
        success: false,
        error: 'invalid_events',
        // Events refused by their consent are acknowledged too: sending them again would not change that.
        accepted: prepared.accepted + prepared.consentDenied + prepared.suppressed,
        rejectedEvents,
        rejected: prepared.rejected,
        ...(prepared.omittedRejections > 0 ? { omittedRejections: prepared.omittedRejections } : {}),
      });
    },
  );

  return app;
}

function unavailable(reply: FastifyReply, err: unknown) {
  void reply.header('retry-after', '1');
  if (err instanceof ProducerBackpressureError) {
    return reply.code(429).send({ success: false, error: 'overloaded', reason: err.message });
  }
  const reason = err instanceof KafkaUnavailableError ? err.message : errorMessage(err);
  return reply.code(503).send({
    success: false,
    error: 'unavailable',
    reason: `${reason}; the events were not acknowledged, send them again (the same messageId is stored once)`,
  });
}

function routeOf(url: string): string {
  const path = url.split('?')[0] ?? url;
  if (path.startsWith('/v1/')) {
    const endpoint = ENDPOINTS[path.slice(4)];
    if (path === '/v1/regulations') return path;
    return endpoint ? `/v1/${endpoint}` : 'other';
  }
  return path === '/metrics' || path === '/healthz' || path === '/readyz' ? path : 'other';
}

/**
 * Refuses event requests past `max` in progress at once with 503 and Retry-After, before reading
 * their bodies. With the CPU saturated, every request accepted makes all the others slower: without
 * this, clients wait past their timeouts and resend what was in fact stored, adding load. The
 * producer's pending-bytes bound (429) covers Kafka being slow; this covers the collector itself.
 */
function inFlightLimit(max: number | undefined) {
  if (max === undefined) return undefined;
  let current = 0;
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (request.method !== 'POST' || !request.url.startsWith('/v1/')) {
      done();
      return;
    }
    if (current >= max) {
      void reply
        .header('retry-after', '1')
        .code(503)
        .send({
          success: false,
          error: 'overloaded',
          reason: `the collector is handling ${max} requests already; retry after a second (COLLECTOR_MAX_IN_FLIGHT_REQUESTS)`,
        });
      return;
    }
    current += 1;
    reply.raw.once('close', () => {
      current -= 1;
    });
    done();
  };
}
