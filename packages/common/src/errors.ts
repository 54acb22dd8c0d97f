/**
 * Base class for every error Pulse raises on purpose. `code` is stable (code
 * reads it, people search for it); `retriable` tells retry loops whether
 * trying again can help, so they never have to parse messages.
 */
export class PulseError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** A configuration value is missing or malformed; the message names the variable and what it expects. */
export class ConfigError extends PulseError {
  constructor(message: string) {
    super('PULSE_CONFIG_INVALID', message);
  }
}

/** A dependency (Kafka, ClickHouse, Redis) cannot be reached right now; retrying later can help. */
export class DependencyUnavailableError extends PulseError {
  readonly dependency: string;

  constructor(dependency: string, message: string, cause?: unknown) {
    super('PULSE_DEPENDENCY_UNAVAILABLE', message, { retriable: true, cause });
    this.dependency = dependency;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
