import { isEcommerceEvent } from './ecommerce.js';
import { validateEcommerceProperties } from './ecommerce-validate.js';
import { isAbsent, readId, readName, readObject, readStrictId, readString, readTimestamp } from './fields.js';
import { checkJsonTree, isPlainObject, setOwn } from './json-tree.js';
import { LIMITS } from './limits.js';
import { describe, invalid, type Problem, type Validated } from './problems.js';
import { canonicalTimestamp, correctTimestampMs, formatTimestamp } from './timestamps.js';
import { EVENT_TYPES, type EventType, isEventType, type JsonObject, type SegmentEvent } from './types.js';

export interface ValidateOptions {
  /** The endpoint's type (/v1/track → 'track'): fills a missing `type`; a different `type` is a problem. */
  expectedType?: EventType;
  /** When the collector received the event; default now. Must match the one given to toStoredEvent. */
  receivedAt?: Date;
  /** Earliest accepted (corrected) timestamp; default 2000-01-01T00:00:00Z. */
  minTimestamp?: Date;
  /** How far past receivedAt a (corrected) timestamp may be; default 24 h. */
  maxFutureMs?: number;
}

const DEFAULT_MIN_TIMESTAMP = Date.UTC(2000, 0, 1);
const DEFAULT_MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
const TYPE_LIST = EVENT_TYPES.map((type) => `"${type}"`).join(', ');

/**
 * Top-level fields that are not copied to `extra`. `writeKey` is a secret and is dropped. `event` and
 * `originalTimestamp` are decided per event (see collectExtra).
 */
const HANDLED_FIELDS: ReadonlySet<string> = new Set([
  'type',
  'messageId',
  'userId',
  'anonymousId',
  'timestamp',
  'sentAt',
  'context',
  'integrations',
  'name',
  'category',
  'properties',
  'traits',
  'groupId',
  'previousId',
  'writeKey',
]);

/**
 * Checks one Segment call and returns it normalised, or every problem found. Never throws: a client's
 * bytes are data, and a bad event is an expected outcome.
 */
export function validateEvent(input: unknown, options: ValidateOptions = {}): Validated<SegmentEvent> {
  try {
    return validate(input, options);
  } catch (error) {
    // Only reachable with non-JSON input such as throwing getters or proxies.
    const message = error instanceof Error ? error.message : String(error);
    return invalid([
      { path: '', code: 'type', reason: `must be a plain JSON object, reading it failed: ${message}` },
    ]);
  }
}

function validate(input: unknown, options: ValidateOptions): Validated<SegmentEvent> {
  if (!isPlainObject(input)) {
    return invalid([{ path: '', code: 'type', reason: `must be a JSON object, got ${describe(input)}` }]);
  }
  const problems: Problem[] = [];
  const type = readType(input['type'], options.expectedType, problems);
  const messageId = readStrictId(input['messageId'], 'messageId', problems);
  const userId = readId(input['userId'], 'userId', problems);
  const anonymousId = readId(input['anonymousId'], 'anonymousId', problems);
  const groupId = readId(input['groupId'], 'groupId', problems);
  const previousId = readId(input['previousId'], 'previousId', problems);
  const event = type === 'track' ? readName(input['event'], 'event', problems) : undefined;
  const name = readString(input['name'], 'name', problems);
  const category = readString(input['category'], 'category', problems);
  let properties = readObject(input['properties'], 'properties', problems);
  const traits = readObject(input['traits'], 'traits', problems);
  const context = readObject(input['context'], 'context', problems);
  const integrations = readObject(input['integrations'], 'integrations', problems);

  checkRequiredIds(input, type, problems);
  const time = readTimes(input, options, problems);

  if (type === 'track' && event !== undefined && isEcommerceEvent(event)) {
    // Checked even when the tree check failed elsewhere in properties, so that every problem shows.
    const raw = input['properties'];
    if (raw == null) validateEcommerceProperties(event, {}, problems);
    else if (isPlainObject(raw)) properties = validateEcommerceProperties(event, raw as JsonObject, problems);
  }

  const extra = collectExtra(input, type, time.field === 'originalTimestamp', problems);
  if (type === undefined || problems.length > 0) return invalid(problems);

  const value: SegmentEvent = { type };
  if (messageId !== undefined) value.messageId = messageId;
  if (userId !== undefined) value.userId = userId;
  if (anonymousId !== undefined) value.anonymousId = anonymousId;
  if (time.timestamp !== undefined) value.timestamp = time.timestamp;
  if (time.sentAt !== undefined) value.sentAt = time.sentAt;
  if (context !== undefined) value.context = context;
  if (integrations !== undefined) value.integrations = integrations;
  if (event !== undefined) value.event = event;
  if (name !== undefined) value.name = name;
  if (category !== undefined) value.category = category;
  if (properties !== undefined) value.properties = properties;
  if (traits !== undefined) value.traits = traits;
  if (groupId !== undefined) value.groupId = groupId;
  if (previousId !== undefined) value.previousId = previousId;
  if (extra !== undefined) value.extra = extra;
  return { ok: true, value };
}

function readType(
  value: unknown,
  expected: EventType | undefined,
  problems: Problem[],
): EventType | undefined {
  if (value === undefined || value === null) {
    if (expected !== undefined) return expected;
    problems.push({ path: 'type', code: 'required', reason: `is required: one of ${TYPE_LIST}` });
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push({
      path: 'type',
      code: 'type',
      reason: `must be one of ${TYPE_LIST}, got ${describe(value)}`,
    });
    return undefined;
  }
  if (!isEventType(value)) {
    problems.push({
      path: 'type',
      code: 'unknown_type',
      reason: `must be one of ${TYPE_LIST}, got ${describe(value)}`,
    });
    return undefined;
  }
  if (expected !== undefined && value !== expected) {
    problems.push({
      path: 'type',
      code: 'unknown_type',
      reason: `must be "${expected}" on this endpoint, got "${value}"`,
    });
  }
  return value;
}

function checkRequiredIds(
  input: Record<string, unknown>,
  type: EventType | undefined,
  problems: Problem[],
): void {
  if (type === 'alias') {
    requireField(input, 'userId', 'is required for alias: the new id, a string or a number', problems);
    requireField(input, 'previousId', 'is required for alias: the old id, a string or a number', problems);
  } else if (isAbsent(input['userId']) && isAbsent(input['anonymousId'])) {
    problems.push({
      path: '',
      code: 'required',
      reason: 'needs userId or anonymousId (a string or a number)',
    });
  }
  if (type === 'group') {
    requireField(input, 'groupId', 'is required for group: a string or a number', problems);
  }
}

/** A missing required id; a present but wrong one already has its problem from readId. */
function requireField(
  input: Record<string, unknown>,
  key: string,
  reason: string,
  problems: Problem[],
): void {
  if (isAbsent(input[key])) problems.push({ path: key, code: 'required', reason });
}

interface Times {
  /** The client's call time, normalised; which field it came from. */
  timestamp: string | undefined;
  field: 'timestamp' | 'originalTimestamp';
  sentAt: string | undefined;
}

function readTimes(input: Record<string, unknown>, options: ValidateOptions, problems: Problem[]): Times {
  // Some SDKs (RudderStack's) send the call time as originalTimestamp instead of timestamp.
  const field =
    input['timestamp'] == null && input['originalTimestamp'] != null ? 'originalTimestamp' : 'timestamp';
  const timestamp = readTimestamp(input[field], field, problems);
  const sentAt = readTimestamp(input['sentAt'], 'sentAt', problems);
  if (field === 'timestamp') readTimestamp(input['originalTimestamp'], 'originalTimestamp', problems);
  // An unreadable sentAt already has its problem; correcting with it would only add noise.
  if (!Number.isNaN(timestamp) && (!Number.isNaN(sentAt) || input['sentAt'] == null)) {
    checkTimeRange(timestamp, sentAt, field, options, problems);
  }
  return {
    timestamp: Number.isNaN(timestamp) ? undefined : canonicalTimestamp(input[field] as string, timestamp),
    field,
    sentAt: Number.isNaN(sentAt) ? undefined : canonicalTimestamp(input['sentAt'] as string, sentAt),
  };
}

function checkTimeRange(
  timestamp: number,
  sentAt: number,
  path: string,
  options: ValidateOptions,
  problems: Problem[],
): void {
  const receivedAt = options.receivedAt?.getTime() ?? Date.now();
  const min = options.minTimestamp?.getTime() ?? DEFAULT_MIN_TIMESTAMP;
  const max = receivedAt + (options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS);
  const corrected = correctTimestampMs(timestamp, sentAt, receivedAt);
  if (corrected >= min && corrected <= max) return;
  problems.push({
    path,
    code: 'out_of_range',
    reason:
      `must be between ${formatTimestamp(min)} and ${formatTimestamp(max)} after clock-skew correction, ` +
      `got ${formatTimestamp(corrected)}`,
  });
}

/**
 * Unknown top-level fields, copied into a new object with setOwn so a "__proto__" key stays data.
 * `event` is kept here for non-track calls (it has no column then), `originalTimestamp` when `timestamp`
 * was also sent. undefined values are skipped as JSON would.
 */
function collectExtra(
  input: Record<string, unknown>,
  type: EventType | undefined,
  usedOriginal: boolean,
  problems: Problem[],
): JsonObject | undefined {
  let extra: Record<string, unknown> | undefined;
  const keys = Object.keys(input);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (HANDLED_FIELDS.has(key)) continue;
    if (key === 'event' && type === 'track') continue;
    if (key === 'originalTimestamp' && usedOriginal) continue;
    const value = input[key];
    if (value === undefined) continue;
    extra ??= {};
    setOwn(extra, key, value);
  }
  if (extra === undefined) return undefined;
  // Depth is counted from the event, like the other top-level fields.
  return checkJsonTree(extra, LIMITS.maxDepth + 1, '', problems) ? (extra as JsonObject) : undefined;
}
