import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Personal data never reaches the logs: these paths are censored wherever a
 * log line carries an event, its traits or a request.
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

export interface LoggerConfig {
  service: string;
  level: LogLevel;
}

export function createLogger(config: LoggerConfig, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.level,
    base: { service: config.service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
