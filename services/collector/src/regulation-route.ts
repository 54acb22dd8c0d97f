import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { errorMessage, type Logger } from '@pulse/common';
import { encodeRegulation } from '@pulse/events';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseJsonBody } from './body.js';
import { regulationRecords, validateRegulationRequest } from './regulation-request.js';
import type { EventSink } from './server.js';

export interface RegulationRouteDeps {
  /** COLLECTOR_ADMIN_KEY; unset, the route answers 404: deletion requests are off. */
  adminKey: string | undefined;
  /** The regulations topic. */
  topic: string;
  sink: EventSink;
  /** Resolves once this instance has applied what was just written, so its suppression is in force. */
  catchUp?: () => Promise<void>;
  logger: Logger;
  now: () => Date;
}

/**
 * POST /v1/regulations, Segment's deletion and suppression API: each subject becomes one record
 * of the regulations topic, which every service reads (the collector and ingest drop suppressed
 * subjects' events, ingest deletes their rows, modeling forgets them, the trigger erases their
 * state and jobs; each writes its part to the `regulations` audit table). 200 once Kafka has the
 * records and this collector suppresses them.
 */
export function registerRegulationRoute(
  app: FastifyInstance,
  deps: RegulationRouteDeps,
  onRequest: (request: FastifyRequest, reply: FastifyReply, done: () => void) => void,
): void {
  const expected = deps.adminKey === undefined ? undefined : digest(`Bearer ${deps.adminKey}`);
  app.post('/v1/regulations', { onRequest }, async (request, reply) => {
    if (expected === undefined) {
      return reply.code(404).send({
        success: false,
        error: 'not_enabled',
        reason:
          'deletion and suppression requests are off; set COLLECTOR_ADMIN_KEY to enable POST /v1/regulations',
      });
    }
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (!timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
      return reply.code(401).send({
        success: false,
        error: 'unauthorized',
        reason: 'send Authorization: Bearer <COLLECTOR_ADMIN_KEY>',
      });
    }
    const body = parseJsonBody((request.body as Buffer | undefined) ?? Buffer.alloc(0));
    const validated = validateRegulationRequest(body);
    if (!validated.ok) {
      const first = validated.problems[0]!;
      return reply.code(400).send({
        success: false,
        error: 'invalid_regulation',
        field: first.field,
        reason: first.reason,
        problems: validated.problems,
      });
    }
    const regulationId = `reg-${randomUUID()}`;
    const records = regulationRecords(validated.value, regulationId, deps.now());
    try {
      await deps.sink.send(
        deps.topic,
        records.map((r) => ({ key: r.subjectId, value: encodeRegulation(r) })),
      );
    } catch (err) {
      void reply.header('retry-after', '1');
      return reply.code(503).send({
        success: false,
        error: 'unavailable',
        reason: `${errorMessage(err)}; the regulation was not recorded, send it again`,
      });
    }
    // The ids are personal: the log names the regulation and counts its subjects.
    deps.logger.info(
      { regulationId, regulationType: validated.value.regulationType, subjects: records.length },
      'regulation recorded',
    );
    await deps
      .catchUp?.()
      .catch((err: unknown) =>
        deps.logger.warn(
          { regulationId, err: errorMessage(err) },
          'regulation recorded, not yet applied by this collector',
        ),
      );
    return reply.code(200).send({
      success: true,
      regulationId,
      regulationType: validated.value.regulationType,
      subjectType: validated.value.subjectType,
      subjects: records.length,
      // Segment's answer names it so; its clients read data.regulateId.
      data: { regulateId: regulationId },
    });
  });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
