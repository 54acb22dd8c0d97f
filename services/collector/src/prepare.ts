import {
  type EventLine,
  type EventType,
  encodeStoredEvent,
  expandBatch,
  groupIntoRecords,
  type Problem,
  type SegmentEvent,
  toStoredEvent,
  validateBatchEnvelope,
  validateEvent,
} from '@pulse/events';
import type { Message } from 'kafkajs';
import { type ConsentPolicy, consentAllows } from './privacy.js';

export type Endpoint = EventType | 'batch';

/** One refused event: where it was in the request, which field, and why. */
export interface Rejection {
  /** Position in the batch; null for single-event endpoints. */
  index: number | null;
  /** The event's messageId when it has a readable one: a client retrying a request can match it. */
  messageId?: string;
  field: string;
  code: string;
  reason: string;
}

/**
 * Problems listed in one answer. A 2 MB gzip body can hold a million
 * invalid items: listing them all would answer a few kilobytes with a
 * hundred megabytes and hold them in memory.
 */
export const MAX_LISTED_REJECTIONS = 1000;

export interface Prepared {
  /** Kafka records: each person's valid events of this request, one record per person (see groupIntoRecords). */
  messages: Message[];
  /** Valid events written, across all records. */
  accepted: number;
  /** Valid events acknowledged but not stored: their consent denies storage. */
  consentDenied: number;
  /** Valid events acknowledged but not stored: their user is suppressed (a regulation). */
  suppressed: number;
  /** The messageIds of the valid events, in request order: debug logs name them beside the request id. */
  messageIds: string[];
  /** The first MAX_LISTED_REJECTIONS problems, in request order. */
  rejected: Rejection[];
  /** Problems found but not listed in `rejected`. */
  omittedRejections: number;
  /** Refused events (a refused envelope counts as one), by the code of each one's first problem. */
  rejectedEvents: Map<string, number>;
}

export interface PrepareContext {
  receivedAt: Date;
  sourceId: string;
  maxEventBytes: number;
  /** Anonymises and hashes personal data (privacyFilter); absent when the policy changes nothing. */
  privacy?: (event: SegmentEvent) => SegmentEvent;
  consent?: ConsentPolicy;
  /** Whether a user (user_key: userId, else anonymousId) is suppressed; absent: nobody is. */
  suppressed?: (userKey: string) => boolean;
}

/**
 * Turns a parsed request body into Kafka records of valid events and a
 * rejection per problem of each invalid one. Pure: the route decides what
 * to send and what to answer.
 */
export function prepareEvents(body: unknown, endpoint: Endpoint, ctx: PrepareContext): Prepared {
  const lines: EventLine[] = [];
  const out: Output = {
    lines,
    messageIds: [],
    rejected: [],
    omittedRejections: 0,
    rejectedEvents: new Map(),
    consentDenied: 0,
    suppressed: 0,
  };
  if (endpoint !== 'batch') {
    prepareOne(body, endpoint, null, ctx, out);
  } else {
    const envelope = validateBatchEnvelope(body);
    if (!envelope.ok) {
      refuse(out, null, envelope.problems);
    } else {
      expandBatch(envelope.value).forEach((event, index) => {
        prepareOne(event, undefined, index, ctx, out);
      });
    }
  }
  const messages = groupIntoRecords(lines).map((r): Message => ({ key: r.key, value: r.value }));
  const { messageIds, rejected, omittedRejections, rejectedEvents, consentDenied, suppressed } = out;
  return {
    messages,
    accepted: lines.length,
    consentDenied,
    suppressed,
    messageIds,
    rejected,
    omittedRejections,
    rejectedEvents,
  };
}

type Output = Omit<Prepared, 'messages' | 'accepted'> & { lines: EventLine[] };

function prepareOne(
  input: unknown,
  expectedType: EventType | undefined,
  index: number | null,
  ctx: PrepareContext,
  out: Output,
): void {
  const result = validateEvent(input, {
    ...(expectedType ? { expectedType } : {}),
    receivedAt: ctx.receivedAt,
  });
  if (!result.ok) {
    refuse(out, index, result.problems, messageIdOf(input));
    return;
  }
  // Checked once the event is known valid: a refused event is the client's bug, whatever its consent.
  if (!consentAllows(result.value.context, ctx.consent)) {
    out.consentDenied++;
    return;
  }
  if (ctx.suppressed?.(result.value.userId || result.value.anonymousId || '')) {
    out.suppressed++;
    return;
  }
  const event = ctx.privacy ? ctx.privacy(result.value) : result.value;
  const stored = toStoredEvent(event, { receivedAt: ctx.receivedAt, sourceId: ctx.sourceId });
  const line = encodeStoredEvent(stored);
  const bytes = Buffer.byteLength(line);
  if (bytes > ctx.maxEventBytes) {
    const reason = `event is ${bytes} bytes once stored; the limit is ${ctx.maxEventBytes} bytes`;
    refuse(out, index, [{ path: '', code: 'too_large', reason }], stored.message_id);
    return;
  }
  out.lines.push({ key: stored.user_key, line, bytes });
  out.messageIds.push(stored.message_id);
}

function refuse(out: Output, index: number | null, problems: readonly Problem[], messageId?: string): void {
  const first = problems[0];
  if (first === undefined) return;
  out.rejectedEvents.set(first.code, (out.rejectedEvents.get(first.code) ?? 0) + 1);
  for (const p of problems) {
    if (out.rejected.length < MAX_LISTED_REJECTIONS) out.rejected.push(rejection(index, p, messageId));
    else out.omittedRejections++;
  }
}

function rejection(index: number | null, p: Problem, messageId: string | undefined): Rejection {
  return messageId === undefined
    ? { index, field: p.path, code: p.code, reason: p.reason }
    : { index, messageId, field: p.path, code: p.code, reason: p.reason };
}

function messageIdOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const id = (input as Record<string, unknown>)['messageId'];
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : undefined;
}

/** How many events a request carries, valid or not: what rate limits count. */
export function eventCount(body: unknown, endpoint: Endpoint): number {
  if (endpoint !== 'batch') return 1;
  const batch =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['batch'] : undefined;
  return Array.isArray(batch) ? Math.max(1, batch.length) : 1;
}

/** The write key a body carries (Segment lets clients put it in the JSON instead of the header). */
export function writeKeyFromBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const key = (body as Record<string, unknown>)['writeKey'];
  return typeof key === 'string' && key.length > 0 ? key : undefined;
}
