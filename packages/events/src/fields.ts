import { checkJsonTree, isPlainObject } from './json-tree.js';
import { LIMITS, MAX_ID_LENGTH } from './limits.js';
import { describe, type Problem } from './problems.js';
import { parseTimestamp } from './timestamps.js';
import type { JsonObject } from './types.js';

// Readers for one field each: they return the normalised value, or undefined when the field is absent
// or wrong (and then they have pushed a problem). null counts as absent: SDKs send it for unset fields.

/** Absent for the "needs userId or anonymousId" kind of rule. */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * An identifier: a string, or a finite number turned into one (Segment SDKs pass numeric database ids
 * through). '' counts as absent, so a blank userId does not hide a missing anonymousId.
 */
export function readId(value: unknown, path: string, problems: Problem[]): string | undefined {
  if (typeof value === 'string') {
    if (value === '') return undefined;
    return checkLength(value, path, problems);
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value === undefined || value === null) return undefined;
  problems.push({ path, code: 'type', reason: `must be a string or a number, got ${describe(value)}` });
  return undefined;
}

/** A string only ('' counts as absent), such as messageId. */
export function readStrictId(value: unknown, path: string, problems: Problem[]): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : checkLength(value, path, problems);
  if (value === undefined || value === null) return undefined;
  problems.push({ path, code: 'type', reason: `must be a string, got ${describe(value)}` });
  return undefined;
}

/** A required non-empty string of at most MAX_ID_LENGTH characters, such as a track event's name. */
export function readName(value: unknown, path: string, problems: Problem[]): string | undefined {
  if (typeof value === 'string' && value !== '') return checkLength(value, path, problems);
  if (isAbsent(value)) {
    problems.push({ path, code: 'required', reason: 'is required: a non-empty string' });
  } else {
    problems.push({ path, code: 'type', reason: `must be a non-empty string, got ${describe(value)}` });
  }
  return undefined;
}

/** Any string, '' included. */
export function readString(value: unknown, path: string, problems: Problem[]): string | undefined {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return undefined;
  problems.push({ path, code: 'type', reason: `must be a string, got ${describe(value)}` });
  return undefined;
}

/** A JSON object (properties, traits, context...), kept as is: no copy, its keys are never re-set. */
export function readObject(value: unknown, path: string, problems: Problem[]): JsonObject | undefined {
  if (isPlainObject(value)) {
    return checkJsonTree(value, LIMITS.maxDepth, path, problems) ? (value as JsonObject) : undefined;
  }
  if (value === undefined || value === null) return undefined;
  problems.push({ path, code: 'type', reason: `must be an object, got ${describe(value)}` });
  return undefined;
}

/** An ISO 8601 string, as epoch ms; NaN when absent or wrong. */
export function readTimestamp(value: unknown, path: string, problems: Problem[]): number {
  if (typeof value === 'string') {
    const ms = parseTimestamp(value);
    if (Number.isNaN(ms)) {
      problems.push({
        path,
        code: 'format',
        reason: `must be an ISO 8601 date-time such as "2011-12-09T12:50:00.000Z", got ${describe(value)}`,
      });
    }
    return ms;
  }
  if (value !== undefined && value !== null) {
    problems.push({
      path,
      code: 'type',
      reason: `must be an ISO 8601 date-time string, got ${describe(value)}`,
    });
  }
  return Number.NaN;
}

function checkLength(value: string, path: string, problems: Problem[]): string | undefined {
  if (value.length <= MAX_ID_LENGTH) return value;
  problems.push({
    path,
    code: 'too_large',
    reason: `must be at most ${MAX_ID_LENGTH} characters, got ${value.length}`,
  });
  return undefined;
}
