import type { Problem } from '@pulse/events';
import type { Message } from 'kafkajs';

/**
 * What the dead-letter topic carries: the original bytes (the first ones of a
 * record too large to carry whole), where they came from and every reason
 * they were refused, so that an operator can fix and replay them. Nothing is
 * dropped silently.
 */
export interface DeadLetter {
  reason_code: string;
  reason: string;
  problems: Problem[];
  source: {
    topic: string;
    partition: number;
    offset: string;
    /** The event's line within the record (records carry one person's events, one per line). */
    line: number;
    key: string | null;
    timestamp: string;
  };
  /** The original value as UTF-8 text, or null when it was not valid UTF-8 (then see value_base64). */
  value: string | null;
  value_base64: string | null;
  /** Bytes of the original value. */
  value_bytes: number;
  /**
   * True when the original was too large to carry whole (see MAX_DEAD_LETTER_BYTES): value or
   * value_base64 then hold its first bytes, and the whole record stays at `source` for the source
   * topic's retention.
   */
  value_truncated: boolean;
  failed_at: string;
  service: string;
}

export interface DeadLetterInput {
  reasonCode: string;
  problems: Problem[];
  topic: string;
  partition: number;
  offset: string;
  line?: number;
  key: Buffer | null;
  timestamp: string;
  value: Buffer | null;
  service: string;
  now?: Date;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(buf: Buffer): string | null {
  try {
    return utf8.decode(buf);
  } catch {
    return null;
  }
}

/**
 * A dead letter (key and value) stays below this, under the broker's default limit per record
 * (message.max.bytes, 1 MiB): one the broker refused would be retried for ever and stop the
 * consumer that sends it. A record as large as Kafka allows grows once its bytes are escaped in
 * JSON (or base64), so the largest poison is carried truncated.
 */
export const MAX_DEAD_LETTER_BYTES = 960 * 1024;

/** Problems listed in one dead letter; a record can hold a problem every few bytes. */
const MAX_PROBLEMS = 100;
/** Characters of the source key repeated inside the dead letter. */
const MAX_KEY_CHARS = 1024;

export function deadLetterMessage(input: DeadLetterInput): Message {
  const text = input.value ? decodeUtf8(input.value) : '';
  const key = input.key ? (decodeUtf8(input.key) ?? input.key.toString('base64')) : null;
  const record: DeadLetter = {
    reason_code: input.reasonCode,
    reason: reasonOf(input.problems),
    problems: input.problems,
    source: {
      topic: input.topic,
      partition: input.partition,
      offset: input.offset,
      line: input.line ?? 0,
      key,
      timestamp: input.timestamp,
    },
    value: text,
    value_base64: text === null && input.value ? input.value.toString('base64') : null,
    value_bytes: input.value?.length ?? 0,
    value_truncated: false,
    failed_at: (input.now ?? new Date()).toISOString(),
    service: input.service,
  };
  const keyBytes = input.key?.length ?? 0;
  let json = JSON.stringify(record);
  if (keyBytes + Buffer.byteLength(json) > MAX_DEAD_LETTER_BYTES) {
    json = JSON.stringify(shrink(record, MAX_DEAD_LETTER_BYTES - keyBytes));
  }
  return { key: input.key, value: json };
}

function reasonOf(problems: readonly Problem[]): string {
  return problems.map((p) => (p.path ? `${p.path}: ${p.reason}` : p.reason)).join('; ');
}

/** The dead letter cut to `budget` bytes of JSON: problems first, then the key's copy, then the value. */
function shrink(record: DeadLetter, budget: number): DeadLetter {
  const problems =
    record.problems.length > MAX_PROBLEMS
      ? [
          ...record.problems.slice(0, MAX_PROBLEMS),
          {
            path: '',
            code: 'too_large' as const,
            reason: `and ${record.problems.length - MAX_PROBLEMS} more problems`,
          },
        ]
      : record.problems;
  const key = record.source.key;
  const out: DeadLetter = {
    ...record,
    problems,
    reason: reasonOf(problems),
    source: { ...record.source, key: key && key.length > MAX_KEY_CHARS ? key.slice(0, MAX_KEY_CHARS) : key },
    value: record.value === null ? null : '',
    value_base64: record.value_base64 === null ? null : '',
    value_truncated: true,
  };
  // What the value may take: the budget less the record without it.
  const room = Math.max(0, budget - Buffer.byteLength(JSON.stringify(out)));
  if (record.value !== null) out.value = longestPrefix(record.value, room);
  else if (record.value_base64 !== null)
    out.value_base64 = record.value_base64.slice(0, Math.floor(room / 4) * 4);
  return out;
}

/** The longest prefix of `text` whose JSON string (quotes excluded) takes at most `bytes` bytes. */
function longestPrefix(text: string, bytes: number): string {
  const size = (n: number) => Buffer.byteLength(JSON.stringify(text.slice(0, n))) - 2;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (size(mid) <= bytes) low = mid;
    else high = mid - 1;
  }
  // Never end on the first half of a surrogate pair.
  const last = text.charCodeAt(low - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? low - 1 : low);
}
