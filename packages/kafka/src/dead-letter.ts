import type { Problem } from '@pulse/events';
import type { Message } from 'kafkajs';

/**
 * What the dead-letter topic carries: the original bytes, where they came
 * from and every reason they were refused, so that an operator can fix and
 * replay them. Nothing is dropped silently.
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

export function deadLetterMessage(input: DeadLetterInput): Message {
  const text = input.value ? decodeUtf8(input.value) : '';
  const record: DeadLetter = {
    reason_code: input.reasonCode,
    reason: input.problems.map((p) => (p.path ? `${p.path}: ${p.reason}` : p.reason)).join('; '),
    problems: input.problems,
    source: {
      topic: input.topic,
      partition: input.partition,
      offset: input.offset,
      line: input.line ?? 0,
      key: input.key ? (decodeUtf8(input.key) ?? input.key.toString('base64')) : null,
      timestamp: input.timestamp,
    },
    value: text,
    value_base64: text === null && input.value ? input.value.toString('base64') : null,
    failed_at: (input.now ?? new Date()).toISOString(),
    service: input.service,
  };
  return { key: input.key, value: JSON.stringify(record) };
}
