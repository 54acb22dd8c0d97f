import { MAX_ID_LENGTH } from './limits.js';
import { describe, invalid, readRecordObject, type Validated } from './problems.js';

/**
 * What a regulation asks, in the words of Segment's deletion and suppression API:
 * `Suppress` drops the subject's future events, `Delete` removes what is stored of them,
 * `Suppress_With_Delete` does both, `Unsuppress` lifts a suppression.
 */
export const REGULATION_TYPES = ['Suppress', 'Delete', 'Suppress_With_Delete', 'Unsuppress'] as const;
export type RegulationType = (typeof REGULATION_TYPES)[number];

/**
 * Whose events: `USER_ID` (the events' userId) or `ANONYMOUS_ID` (events sent before the person
 * identified, keyed by their anonymousId). Either way the subject is matched against `user_key`.
 */
export const SUBJECT_TYPES = ['USER_ID', 'ANONYMOUS_ID'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/**
 * One subject of one regulation, as the collector writes it to the regulations topic (keyed by
 * `subjectId`, one partition, kept forever: the topic is the suppression list every service reads
 * at start). Ingest adds one record per anonymous id a deleted user's events were linked with, with
 * `linkedTo` naming the user.
 */
export interface RegulationRecord {
  v: 1;
  regulationId: string;
  regulationType: RegulationType;
  subjectType: SubjectType;
  subjectId: string;
  /** When the collector accepted the request (ISO 8601): a deletion covers events received until then. */
  requestedAt: string;
  linkedTo?: string;
}

/** Whether the regulation drops the subject's future events. */
export function suppresses(type: RegulationType): boolean {
  return type === 'Suppress' || type === 'Suppress_With_Delete';
}

/** Whether the regulation removes what is stored of the subject. */
export function deletes(type: RegulationType): boolean {
  return type === 'Delete' || type === 'Suppress_With_Delete';
}

export function encodeRegulation(record: RegulationRecord): string {
  return JSON.stringify(record);
}

/** Reads a regulations message value strictly; never throws. */
export function decodeRegulation(value: Buffer | string | null): Validated<RegulationRecord> {
  const read = readRecordObject(value);
  if (!read.ok) return invalid(read.problems);
  const { record: r, problems } = read;
  for (const field of ['regulationId', 'subjectId'] as const) {
    const v = r[field];
    if (typeof v !== 'string' || v === '' || v.length > MAX_ID_LENGTH) {
      problems.push({
        path: field,
        code: 'type',
        reason: `must be a string of 1 to ${MAX_ID_LENGTH} characters, got ${describe(v)}`,
      });
    }
  }
  if (!(REGULATION_TYPES as readonly unknown[]).includes(r.regulationType)) {
    problems.push({
      path: 'regulationType',
      code: 'format',
      reason: `must be one of ${REGULATION_TYPES.join(', ')}, got ${describe(r.regulationType)}`,
    });
  }
  if (!(SUBJECT_TYPES as readonly unknown[]).includes(r.subjectType)) {
    problems.push({
      path: 'subjectType',
      code: 'format',
      reason: `must be one of ${SUBJECT_TYPES.join(', ')}, got ${describe(r.subjectType)}`,
    });
  }
  if (typeof r.requestedAt !== 'string' || Number.isNaN(Date.parse(r.requestedAt))) {
    problems.push({
      path: 'requestedAt',
      code: 'format',
      reason: `must be an ISO 8601 time, got ${describe(r.requestedAt)}`,
    });
  }
  if (r.linkedTo !== undefined && (typeof r.linkedTo !== 'string' || r.linkedTo === '')) {
    problems.push({
      path: 'linkedTo',
      code: 'type',
      reason: `must be a non-empty string when present, got ${describe(r.linkedTo)}`,
    });
  }
  if (problems.length > 0) return invalid(problems);
  return { ok: true, value: r as unknown as RegulationRecord };
}
