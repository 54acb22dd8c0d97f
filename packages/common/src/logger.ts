import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { createRedactor, DEFAULT_PERSONAL_TRAITS, REDACTED, scrubText } from './redact.js';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Paths pino censors itself, kept as a second line of defence behind the
 * key-based redaction of `createRedactor`, which reaches any depth.
 */
export const REDACTED_PATHS = [
  'email',
  'phone',
  'ip',
  '*.email',
  '*.phone',
  '*.ip',
  '*.traits.email',
  '*.traits.phone',
  '*.context.ip',
  'req.headers.authorization',
  'req.remoteAddress',
  'writeKey',
  '*.writeKey',
];

/** The fields that tie log lines to what they are about, across services. */
export const CORRELATION = {
  /** The collector's request id: X-Request-Id when the client sent one, else generated; echoed back. */
  requestId: 'requestId',
  /** The event's messageId: the same in the collector, in Kafka, in ingest and in ClickHouse. */
  messageId: 'messageId',
} as const;

export interface LoggerConfig {
  service: string;
  level: LogLevel;
  /** Trait names redacted inside `traits` besides DEFAULT_PERSONAL_TRAITS (PULSE_PERSONAL_TRAITS). */
  personalTraits?: readonly string[];
}

/**
 * A pino JSON logger for one service: ISO timestamps, `service` on every
 * line, and personal data (e-mail, phone, IP addresses, personal traits)
 * censored in objects at any depth, in child bindings and in messages.
 */
export function createLogger(config: LoggerConfig, destination?: DestinationStream): Logger {
  const redact = createRedactor([...DEFAULT_PERSONAL_TRAITS, ...(config.personalTraits ?? [])]);
  const options: LoggerOptions = {
    level: config.level,
    base: { service: config.service },
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      log: (object) => redact(object) as Record<string, unknown>,
      bindings: (bindings) => redact(bindings) as Record<string, unknown>,
    },
    hooks: {
      // Messages are meant to be constant, but a formatted one may carry a value.
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as typeof args;
        return method.apply(this, scrubbed);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
