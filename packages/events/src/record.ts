/**
 * How stored events travel on the events topic: a Kafka record holds the
 * stored events of ONE person from one request, one JSON object per line,
 * in the order they came. The record is keyed by that person (user_key),
 * so their events stay in order in one partition.
 *
 * Why several events per record: a Kafka client's cost is mostly per
 * record, and a browser's batch is one person's events. The lines are
 * already ClickHouse JSONEachRow rows, so ingest can pass them on as they
 * are.
 */
export const RECORD_SEPARATOR = '\n';

/** Kafka's default message size limit is 1 MB; records stay well below it. */
export const MAX_RECORD_BYTES = 512 * 1024;

export interface EventLine {
  /** The person: user_key of the stored event. */
  key: string;
  /** The stored event, JSON without raw newlines (JSON.stringify never emits one). */
  line: string;
  /** Bytes of `line` (the caller measured them already). */
  bytes: number;
}

export interface EventRecord {
  key: string;
  value: string;
  /** Events in the record. */
  count: number;
}

/**
 * Groups lines by person, keeping each person's order and the order in
 * which people first appear, and splits a person's lines into several
 * records when they would exceed `maxBytes`.
 */
export function groupIntoRecords(lines: readonly EventLine[], maxBytes = MAX_RECORD_BYTES): EventRecord[] {
  const byKey = new Map<string, EventLine[]>();
  for (const l of lines) {
    const list = byKey.get(l.key);
    if (list) list.push(l);
    else byKey.set(l.key, [l]);
  }
  const records: EventRecord[] = [];
  for (const [key, list] of byKey) {
    let parts: string[] = [];
    let size = 0;
    for (const l of list) {
      if (parts.length > 0 && size + 1 + l.bytes > maxBytes) {
        records.push({ key, value: parts.join(RECORD_SEPARATOR), count: parts.length });
        parts = [];
        size = 0;
      }
      parts.push(l.line);
      size += l.bytes + (parts.length > 1 ? 1 : 0);
    }
    records.push({ key, value: parts.join(RECORD_SEPARATOR), count: parts.length });
  }
  return records;
}

/** The lines of a record; empty lines (e.g. a trailing newline) are skipped. */
export function splitRecord(value: string): string[] {
  if (value.indexOf(RECORD_SEPARATOR) === -1) return value.length > 0 ? [value] : [];
  return value.split(RECORD_SEPARATOR).filter((line) => line.length > 0);
}
