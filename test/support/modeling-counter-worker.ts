/**
 * The modeling worker with one model that counts how often it saw each
 * messageId: after crashes and restarts every count must be exactly 1.
 * Run as a child process by the modeling fault test.
 */
import { closeOnSignals, createLogger } from '@pulse/common';
import type { StoredEvent } from '@pulse/events';
import { type IncrementalModel, modelingConfigFromEnv, startModelingWorker } from '@pulse/modeling';

class MessageCounter implements IncrementalModel {
  readonly name = 'message-counter';
  private counts: Record<string, number> = {};

  apply(event: StoredEvent): void {
    this.counts[event.message_id] = (this.counts[event.message_id] ?? 0) + 1;
  }

  snapshot(): unknown {
    return { counts: this.counts };
  }

  restore(snapshot: unknown): void {
    this.counts = (snapshot as { counts: Record<string, number> }).counts;
  }
}

const config = modelingConfigFromEnv(process.env);
const logger = createLogger({ service: 'modeling', level: config.logLevel });
const worker = await startModelingWorker(config, { models: [new MessageCounter()], logger });
closeOnSignals(worker, logger);
