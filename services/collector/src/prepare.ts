import {
  type EventLine,
  type EventType,
  encodeStoredEvent,
  expandBatch,
  groupIntoRecords,
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
  /** Kafka records: each person's valid events of this request, one record per person (see groupIntoRecords). */
  messages: Message[];
  /** Valid events, across all records. */
  accepted: number;
  /** The messageIds of the valid events, in request order: debug logs name them beside the request id. */
  messageIds: string[];
  rejected: Rejection[];
}

export interface PrepareContext {
  receivedAt: Date;
  sourceId: string;
  maxEventBytes: number;
}

/**
 * Turns a parsed request body into Kafka records of valid events and a
 * rejection per problem of each invalid one. Pure: the route decides what
 * to send and what to answer.
 */
export function prepareEvents(body: unknown, endpoint: Endpoint, ctx: PrepareContext): Prepared {
  const lines: EventLine[] = [];
  const messageIds: string[] = [];
  const rejected: Rejection[] = [];
  if (endpoint !== 'batch') {
    prepareOne(body, endpoint, null, ctx, lines, messageIds, rejected);
  } else {
    const envelope = validateBatchEnvelope(body);
    if (!envelope.ok) {
      for (const p of envelope.problems) rejected.push(rejection(null, p));
    } else {
      expandBatch(envelope.value).forEach((event, index) => {
        prepareOne(event, undefined, index, ctx, lines, messageIds, rejected);
      });
    }
  }
  const messages = groupIntoRecords(lines).map((r): Message => ({ key: r.key, value: r.value }));
  return { messages, accepted: lines.length, messageIds, rejected };
}

function prepareOne(
  input: unknown,
  expectedType: EventType | undefined,
  index: number | null,
  ctx: PrepareContext,
  lines: EventLine[],
  messageIds: string[],
  rejected: Rejection[],
): void {
  const result = validateEvent(input, {
    ...(expectedType ? { expectedType } : {}),
    receivedAt: ctx.receivedAt,
  });
  if (!result.ok) {
    for (const p of result.problems) rejected.push(rejection(index, p));
    return;
  }
  const stored = toStoredEvent(result.value, { receivedAt: ctx.receivedAt, sourceId: ctx.sourceId });
  const line = encodeStoredEvent(stored);
  const bytes = Buffer.byteLength(line);
  if (bytes > ctx.maxEventBytes) {
    rejected.push({
      index,
      field: '',
      code: 'too_large',
      reason: `event is ${bytes} bytes once stored; the limit is ${ctx.maxEventBytes} bytes`,
    });
    return;
  }
  lines.push({ key: stored.user_key, line, bytes });
  messageIds.push(stored.message_id);
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
