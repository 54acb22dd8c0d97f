import { readObject, readString, readTimestamp } from './fields.js';
import { isPlainObject } from './json-tree.js';
import { describe, invalid, type Problem, type Validated } from './problems.js';
import type { JsonObject } from './types.js';

/** Body of POST /v1/batch (Segment HTTP API). */
export interface BatchEnvelope {
  /** The events, unchecked: each is validated on its own so one bad event does not sink the rest. */
  batch: unknown[];
  context?: JsonObject;
  integrations?: JsonObject;
  sentAt?: string;
  writeKey?: string;
}

/** Checks the envelope only; unknown envelope fields are ignored. Never throws. */
export function validateBatchEnvelope(input: unknown): Validated<BatchEnvelope> {
  try {
    return validate(input);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return invalid([
      { path: '', code: 'type', reason: `must be a plain JSON object, reading it failed: ${message}` },
    ]);
  }
}

function validate(input: unknown): Validated<BatchEnvelope> {
  if (!isPlainObject(input)) {
    return invalid([{ path: '', code: 'type', reason: `must be a JSON object, got ${describe(input)}` }]);
  }
  const problems: Problem[] = [];
  const batch = input['batch'];
  if (batch === undefined || batch === null) {
    problems.push({ path: 'batch', code: 'required', reason: 'is required: an array of events' });
  } else if (!Array.isArray(batch)) {
    problems.push({
      path: 'batch',
      code: 'type',
      reason: `must be an array of events, got ${describe(batch)}`,
    });
  }
  const context = readObject(input['context'], 'context', problems);
  const integrations = readObject(input['integrations'], 'integrations', problems);
  const sentAt = readString(input['sentAt'], 'sentAt', problems);
  if (sentAt !== undefined) readTimestamp(sentAt, 'sentAt', problems);
  const writeKey = readString(input['writeKey'], 'writeKey', problems);
  if (problems.length > 0 || !Array.isArray(batch)) return invalid(problems);

  const value: BatchEnvelope = { batch };
  if (context !== undefined) value.context = context;
  if (integrations !== undefined) value.integrations = integrations;
  if (sentAt !== undefined) value.sentAt = sentAt;
  if (writeKey !== undefined) value.writeKey = writeKey;
  return { ok: true, value };
}

/**
 * The batch's events with Segment's envelope semantics applied: batch context and integrations are
 * merged into each event's own (shallowly, the event's keys win) and the batch sentAt fills events
 * without one. Events are shallow-copied only when something is merged in; anything that is not an
 * object, or whose context is not an object, is passed through for validateEvent to report.
 */
export function expandBatch(envelope: BatchEnvelope): unknown[] {
  const { context, integrations, sentAt } = envelope;
  if (context === undefined && integrations === undefined && sentAt === undefined)
    return envelope.batch.slice();
  return envelope.batch.map((item) => {
    if (!isPlainObject(item)) return item;
    // Spread defines properties (CreateDataProperty), so a client's "__proto__" key is copied as data.
    const event: Record<string, unknown> = { ...item };
    if (context !== undefined) event['context'] = merge(context, item['context']);
    if (integrations !== undefined) event['integrations'] = merge(integrations, item['integrations']);
    if (sentAt !== undefined && item['sentAt'] == null) event['sentAt'] = sentAt;
    return event;
  });
}

function merge(shared: JsonObject, own: unknown): unknown {
  if (own === undefined || own === null) return shared;
  if (!isPlainObject(own)) return own;
  return { ...shared, ...own };
}
