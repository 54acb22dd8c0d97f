import { Kafka, type LogEntry, logLevel, Partitioners, type Producer, type ProducerConfig } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  /** How long one connection attempt may take. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

const PINO_LEVEL: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go through the service's pino logger. */
export function createKafka(config: KafkaConfig, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: config.connectionTimeoutMs ?? 3000,
    requestTimeout: config.requestTimeoutMs ?? 10_000,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
        // Known and handled: BatchingProducer bounds retries on purpose and
        // replaces the producer after a failure.
        // Also the broker's CONCURRENT_TRANSACTIONS right after a commit, which kafkajs retries.
        const expected =
          message.startsWith('Limiting retries for the idempotent producer') ||
          `${message} ${String(extra['error'] ?? '')}`.includes(
            'another concurrent operation on the same transaction',
          );
        kafkaLogger[expected ? 'debug' : (PINO_LEVEL[level] ?? 'info')]({ namespace, ...extra }, message);
      },
  });
}

/**
 * A producer as every Pulse writer needs one: idempotent (with one request in flight, as kafkajs
 * requires), so that a send kafkajs retries never writes a record twice: it resends a broker's
 * whole request when one partition fails (a just-created topic's partition not ready yet), and
 * the partitions that took it would otherwise get it again. Records keyed by user land where the
 * collector puts them; a topic is never created by writing to it.
 */
export function createIdempotentProducer(
  kafka: Kafka,
  options: Omit<ProducerConfig, 'idempotent' | 'maxInFlightRequests' | 'createPartitioner'> = {},
): Producer {
  return kafka.producer({
    allowAutoTopicCreation: false,
    ...options,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
