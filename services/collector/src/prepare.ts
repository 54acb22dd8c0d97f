import {
  type EventType,
  encodeStoredEvent,
  expandBatch,
  type Problem,
  toStoredEvent,
  validateBatchEnvelope,
  validateEvent,
} from '@pulse/events';
import type { Message } from 'kafkajs';

export type Endpoint = EventType | 'batch';

/** One refused event: where it was in the request, which field, and why. */
export interface Rejection {
  /** Position in the batch; null for single-event endpoints. */
  index: number | null;
  field: string;
  code: string;
  reason: string;
}

export interface Prepared {
  messages: Message[];
  rejected: Rejection[];
}

export interface PrepareContext {
  receivedAt: Date;
  sourceId: string;
  maxEventBytes: number;
}

/**
 * Turns a parsed request body into Kafka messages, one per valid event, and
 * a rejection per problem of each invalid one. Pure: the route decides what
 * to send and what to answer.
 */
export function prepareEvents(body: unknown, endpoint: Endpoint, ctx: PrepareContext): Prepared {
  if (endpoint !== 'batch') {
    const one = prepareOne(body, endpoint, null, ctx);
    return 'message' in one
      ? { messages: [one.message], rejected: [] }
      : { messages: [], rejected: one.rejected };
  }
  const envelope = validateBatchEnvelope(body);
  if (!envelope.ok) return { messages: [], rejected: envelope.problems.map((p) => rejection(null, p)) };
  const messages: Message[] = [];
  const rejected: Rejection[] = [];
  expandBatch(envelope.value).forEach((event, index) => {
    const one = prepareOne(event, undefined, index, ctx);
    if ('message' in one) messages.push(one.message);
    else for (const r of one.rejected) rejected.push(r);
  });
  return { messages, rejected };
}

function prepareOne(
  input: unknown,
  expectedType: EventType | undefined,
  index: number | null,
  ctx: PrepareContext,
): { message: Message } | { rejected: Rejection[] } {
  const result = validateEvent(input, {
    ...(expectedType ? { expectedType } : {}),
    receivedAt: ctx.receivedAt,
  });
  if (!result.ok) return { rejected: result.problems.map((p) => rejection(index, p)) };
  const stored = toStoredEvent(result.value, { receivedAt: ctx.receivedAt, sourceId: ctx.sourceId });
  const value = encodeStoredEvent(stored);
  const bytes = Buffer.byteLength(value);
  if (bytes > ctx.maxEventBytes) {
    return {
      rejected: [
        {
          index,
          field: '',
          code: 'too_large',
          reason: `event is ${bytes} bytes once stored; the limit is ${ctx.maxEventBytes} bytes`,
        },
      ],
    };
  }
  return { message: { key: stored.user_key, value, timestamp: String(ctx.receivedAt.getTime()) } };
}

function rejection(index: number | null, p: Problem): Rejection {
  return { index, field: p.path, code: p.code, reason: p.reason };
}

/** The write key a body carries (Segment lets clients put it in the JSON instead of the header). */
export function writeKeyFromBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const key = (body as Record<string, unknown>)['writeKey'];
  return typeof key === 'string' && key.length > 0 ? key : undefined;
}
