import { errorMessage, PulseError } from '@pulse/common';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { CampaignInvalidError } from '../campaigns/errors.js';
import type { CampaignRegistry } from '../campaigns/registry.js';
import { type Campaign, parseCampaign } from '../campaigns/schema.js';
import type { StoredCampaigns } from '../campaigns/stored-campaigns.js';
import type { DeliveryLanes } from '../execution/delivery-lanes.js';
import type { PersonStore } from '../execution/person-store.js';
import type { HttpMetrics } from '../metrics.js';
import { bearerAuth } from './auth.js';

export interface CampaignApiDeps {
  campaigns: CampaignRegistry;
  stored: StoredCampaigns;
  lanes: DeliveryLanes;
  people: PersonStore;
  /** Membership kept from segment changes: erased with the person. */
  segments?: { forget(person: string): Promise<void> };
  /** Throws CampaignUnsupportedError for what this installation cannot run. */
  checkSupported(c: Campaign): void;
  /** Set: every call needs `Authorization: Bearer <key>` (TRIGGER_API_KEY). */
  apiKey?: string;
  http?: HttpMetrics;
}

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof CampaignInvalidError) {
    return reply.code(400).send({ error: 'invalid_campaign', code: err.code, problems: err.problems });
  }
  if (err instanceof PulseError) return reply.code(400).send({ error: err.message, code: err.code });
  throw err;
}

/**
 * The campaign API: list, create or replace, pause and resume, and the
 * failed deliveries of a campaign (inspect and retry). Changes take effect
 * at once: occasions read the registry when they are decided. With an API
 * key every route needs it.
 */
export function buildCampaignApi(deps: CampaignApiDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.addHook('onResponse', (request, reply, done) => {
    deps.http?.observe(request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  if (deps.apiKey) app.addHook('onRequest', bearerAuth(deps.apiKey));

  app.get('/campaigns', async () => ({ campaigns: deps.campaigns.list() }));

  app.get<{ Params: { id: string } }>('/campaigns/:id', async (req, reply) => {
    const c = deps.campaigns.get(req.params.id);
    return c ? { campaign: c } : reply.code(404).send({ error: `no campaign ${req.params.id}` });
  });

  app.put<{ Params: { id: string } }>('/campaigns/:id', async (req, reply) => {
    try {
      const body = req.body && typeof req.body === 'object' ? req.body : {};
      const c = parseCampaign({ ...body, id: req.params.id }, `PUT /campaigns/${req.params.id}`);
      deps.checkSupported(c);
      const created = deps.campaigns.get(c.id) === undefined;
      await deps.stored.save(c);
      deps.lanes.ensure(c);
      deps.campaigns.set(c);
      return reply.code(created ? 201 : 200).send({ campaign: c });
    } catch (err) {
      return sendError(reply, err);
    }
  });

  for (const [action, enabled] of [
    ['pause', false],
    ['resume', true],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/campaigns/:id/${action}`, async (req, reply) => {
      const c = deps.campaigns.get(req.params.id);
      if (!c) return reply.code(404).send({ error: `no campaign ${req.params.id}` });
      const next = { ...c, enabled };
      await deps.stored.save(next);
      deps.campaigns.set(next);
      return { campaign: next };
    });
  }

  app.get<{ Params: { id: string } }>('/campaigns/:id/failed', async (req, reply) => {
    const c = deps.campaigns.get(req.params.id);
    const queue = c && deps.lanes.queueFor(c);
    if (!c || !queue) return reply.code(404).send({ error: `no campaign ${req.params.id}` });
    const jobs = (await queue.getFailed(0, 999)).filter((j) => j.data.campaignId === c.id);
    return {
      failed: jobs.map((j) => ({
        id: j.id,
        person: j.data.person,
        reason: j.failedReason,
        attempts: j.attemptsMade,
        failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
      })),
    };
  });

  app.post<{ Params: { id: string } }>('/campaigns/:id/failed/retry', async (req, reply) => {
    const c = deps.campaigns.get(req.params.id);
    const queue = c && deps.lanes.queueFor(c);
    if (!c || !queue) return reply.code(404).send({ error: `no campaign ${req.params.id}` });
    const jobs = (await queue.getFailed(0, 999)).filter((j) => j.data.campaignId === c.id);
    const results = await Promise.allSettled(jobs.map((j) => j.retry('failed')));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason)] : []));
    return { retried: results.length - errors.length, errors };
  });

  // A deletion request (GDPR): the person is never contacted again; remembered traits and segments are erased.
  app.delete<{ Params: { person: string } }>('/people/:person', async (req, reply) => {
    await deps.people.markDeleted(req.params.person);
    await deps.segments?.forget(req.params.person);
    return reply.code(204).send();
  });

  return app;
}
