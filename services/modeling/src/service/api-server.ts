import { timingSafeEqual } from 'node:crypto';
import type { HttpMetrics } from '@pulse/common';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { RecsRequestError, RecsUnknownItemError } from '../recs/errors.js';
import type { SegmentsModel } from '../segments/index.js';
import type { Recommender } from './recommender.js';

export interface ModelingApiDeps {
  recommender: Recommender;
  segments: SegmentsModel;
  /** When set, every /v1 request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  defaultK: number;
  http?: HttpMetrics;
}

const MAX_PAGE = 10_000;

/**
 * The modeling service's read API, answered from the models in memory: recommendations (similar
 * items, per person) and segments (a customer's segments and traits, a segment's size and members).
 */
export function buildModelingApi(deps: ModelingApiDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.addHook('onResponse', (request, reply, done) => {
    deps.http?.observe(request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  if (deps.apiKey) {
    const expected = Buffer.from(`Bearer ${deps.apiKey}`);
    app.addHook('onRequest', (request, reply, done) => {
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        void reply
          .code(401)
          .send({ error: 'unauthorized', reason: 'send Authorization: Bearer <MODELING_API_KEY>' });
        return;
      }
      done();
    });
  }

  app.get<{ Params: { itemId: string }; Querystring: { k?: string } }>(
    '/v1/recommendations/items/:itemId',
    async (req, reply) => {
      const k = parseCount(req.query.k, deps.defaultK);
      if (k === undefined) return badParameter(reply, 'k', req.query.k);
      try {
        return deps.recommender.similarItems(req.params.itemId, k);
      } catch (err) {
        return recsError(reply, err);
      }
    },
  );

  app.get<{ Params: { userId: string }; Querystring: { k?: string } }>(
    '/v1/recommendations/users/:userId',
    async (req, reply) => {
      const k = parseCount(req.query.k, deps.defaultK);
      if (k === undefined) return badParameter(reply, 'k', req.query.k);
      try {
        return deps.recommender.forUser(req.params.userId, k);
      } catch (err) {
        return recsError(reply, err);
      }
    },
  );

  app.get('/v1/segments', async () => {
    const sizes = deps.segments.segments.sizes();
    return {
      segments: Object.entries(sizes)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([segment, size]) => ({ segment, size })),
    };
  });

  app.get<{ Params: { segment: string }; Querystring: { limit?: string; offset?: string } }>(
    '/v1/segments/:segment',
    async (req, reply) => {
      const limit = parseCount(req.query.limit, 100, MAX_PAGE);
      if (limit === undefined) return badParameter(reply, 'limit', req.query.limit, MAX_PAGE);
      const offset = parseCount(req.query.offset, 0, Number.MAX_SAFE_INTEGER, 0);
      if (offset === undefined) return badParameter(reply, 'offset', req.query.offset);
      const members = deps.segments.segments.membersOf(req.params.segment);
      if (members.length === 0) {
        return reply.code(404).send({
          error: 'unknown_segment',
          reason: `segment "${req.params.segment}" has no members; GET /v1/segments lists those that do`,
        });
      }
      return {
        segment: req.params.segment,
        size: members.length,
        offset,
        members: members.slice(offset, offset + limit),
      };
    },
  );

  app.get<{ Params: { userId: string } }>('/v1/customers/:userId', async (req, reply) => {
    const engine = deps.segments.segments;
    const segments = engine.segmentsOf(req.params.userId);
    const traits = engine.traitsOf(req.params.userId);
    if (segments.length === 0 && Object.keys(traits).length === 0) {
      return reply.code(404).send({
        error: 'unknown_customer',
        reason: `no segment or trait for "${req.params.userId}": no order or tracked event of this user id reached the modeling worker`,
      });
    }
    return { userId: req.params.userId, segments, traits };
  });

  return app;
}

/** A count from the query string: `fallback` when absent, undefined when not an integer in [min, max]. */
function parseCount(raw: string | undefined, fallback: number, max = 1000, min = 1): number | undefined {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
}

function badParameter(
  reply: FastifyReply,
  field: string,
  value: string | undefined,
  max = 1000,
): FastifyReply {
  return reply.code(400).send({
    error: 'invalid_parameter',
    field,
    reason: `${field} must be an integer${field === 'offset' ? ' of at least 0' : ` from 1 to ${max}`}, got ${JSON.stringify(value)}`,
  });
}

function recsError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof RecsUnknownItemError) {
    return reply.code(404).send({ error: 'unknown_item', code: err.code, reason: err.message });
  }
  if (err instanceof RecsRequestError) {
    return reply.code(400).send({ error: 'invalid_parameter', code: err.code, reason: err.message });
  }
  throw err;
}
