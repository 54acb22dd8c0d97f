import { PulseError } from '@pulse/common';

/** Kafka did not acknowledge in time or is unreachable; the caller should answer 503 and the client retry. */
export class KafkaUnavailableError extends PulseError {
  constructor(message: string, cause?: unknown) {
    super('PULSE_KAFKA_UNAVAILABLE', message, { retriable: true, cause });
  }
}

/** Too much is waiting for Kafka already; the caller should shed load (429/503) rather than buffer more. */
export class ProducerBackpressureError extends PulseError {
  constructor(pendingBytes: number, limit: number) {
    super(
      'PULSE_PRODUCER_BACKPRESSURE',
      `${pendingBytes} bytes are already waiting for Kafka (limit ${limit}); retry shortly or raise KAFKA_MAX_PENDING_BYTES`,
      { retriable: true },
    );
  }
}
