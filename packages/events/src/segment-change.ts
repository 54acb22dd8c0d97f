import { describe, invalid, readRecordObject, type Validated } from './problems.js';

/**
 * One customer entering or leaving one segment, as the modeling worker publishes it to the
 * segment-changes topic (one change per message, keyed by `userKey`, written in Kafka transactions:
 * consume with read_committed, kafkajs's default). `seq` is unique per change and increases in the
 * order the worker decided them, so `seq` is the id to deduplicate or to build job ids from.
 */
export interface SegmentChangeRecord {
  v: 1;
  seq: number;
  /** The person, as stored events key them (`user_key`: userId, else anonymousId). */
  userKey: string;
  /** Namespaced segment id: `rfm:champions`, `cluster:c2`, `cluster:outliers`, `rule:<id>`. */
  segment: string;
  change: 'entered' | 'exited';
  /** Event time of the change (ISO 8601). */
  at: string;
  /** The model or rule version that decided it. */
  version: string;
}

export function encodeSegmentChange(record: SegmentChangeRecord): string {
  return JSON.stringify(record);
}

/** Reads a segment-changes message value strictly; never throws. */
export function decodeSegmentChange(value: Buffer | string | null): Validated<SegmentChangeRecord> {
  const read = readRecordObject(value);
  if (!read.ok) return invalid(read.problems);
  const { record: r, problems } = read;
  if (typeof r.seq !== 'number' || !Number.isSafeInteger(r.seq) || r.seq < 0) {
    problems.push({
      path: 'seq',
      code: 'type',
      reason: `must be a non-negative integer, got ${describe(r.seq)}`,
    });
  }
  for (const field of ['userKey', 'segment', 'version'] as const) {
    if (typeof r[field] !== 'string' || r[field] === '') {
      problems.push({
        path: field,
        code: 'type',
        reason: `must be a non-empty string, got ${describe(r[field])}`,
      });
    }
  }
  if (r.change !== 'entered' && r.change !== 'exited') {
    problems.push({
      path: 'change',
      code: 'format',
      reason: `must be "entered" or "exited", got ${describe(r.change)}`,
    });
  }
  if (typeof r.at !== 'string' || Number.isNaN(Date.parse(r.at))) {
    problems.push({ path: 'at', code: 'format', reason: `must be an ISO 8601 time, got ${describe(r.at)}` });
  }
  if (problems.length > 0) return invalid(problems);
  return { ok: true, value: r as unknown as SegmentChangeRecord };
}
