import { type BadLineHandler, badLine, warnBadLine } from './bad-line.js';
import { resolveDataFile } from './data-dir.js';
import { readLines } from './text-stream.js';

export const OTTO_SAMPLE_FILE = 'otto-sample/train.jsonl';

export type OttoEventType = 'clicks' | 'carts' | 'orders';

export interface OttoEvent {
  aid: number;
  /** Milliseconds since the epoch. */
  ts: number;
  type: OttoEventType;
}

export interface OttoSession {
  session: number;
  events: OttoEvent[];
}

/**
 * Streams OTTO sessions, one JSON line at a time (the full training file is 11 GB). A line that is
 * not a valid session goes to `onBadLine` (default: a process warning) and reading goes on.
 * `file` is relative to the data folder and may end in `.gz`.
 */
export async function* readOttoSessions(opts?: {
  dataDir?: string;
  file?: string;
  onBadLine?: BadLineHandler;
}): AsyncGenerator<OttoSession> {
  const file = opts?.file ?? OTTO_SAMPLE_FILE;
  const onBadLine = opts?.onBadLine ?? warnBadLine;
  const path = await resolveDataFile(file, opts?.dataDir);
  let line = 0;
  for await (const text of readLines(path)) {
    line += 1;
    if (text.trim() === '') continue;
    const parsed = parseOttoLine(text);
    if (typeof parsed === 'string') onBadLine(badLine(file, line, parsed, text));
    else yield parsed;
  }
}

/** A session, or the reason the line is not one. The whole line is rejected for one bad event. */
export function parseOttoLine(text: string): OttoSession | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'invalid_json';
  }
  if (!isRecord(value) || !isNonNegativeInteger(value['session'])) return 'invalid_session';
  const events = value['events'];
  if (!Array.isArray(events)) return 'invalid_events';
  const parsed: OttoEvent[] = [];
  for (const event of events) {
    if (!isRecord(event)) return 'invalid_event';
    const { aid, ts, type } = event;
    if (!isNonNegativeInteger(aid) || !isNonNegativeInteger(ts)) return 'invalid_event';
    if (type !== 'clicks' && type !== 'carts' && type !== 'orders') return 'invalid_event_type';
    parsed.push({ aid, ts, type });
  }
  return { session: value['session'], events: parsed };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
