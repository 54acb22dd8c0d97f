import type { Logger } from 'pino';
import { errorMessage } from './errors.js';

/**
 * Builds an idempotent close(): the first call runs every step in order (a
 * failing step is logged and the rest still run); later calls get the same
 * promise.
 */
export function onceClose(steps: Array<[name: string, step: () => Promise<void> | void]>, logger?: Logger) {
  let closing: Promise<void> | undefined;
  return (): Promise<void> => {
    closing ??= (async () => {
      for (const [name, step] of steps) {
        try {
          await step();
        } catch (err) {
          logger?.error({ err: errorMessage(err), step: name }, 'shutdown step failed');
        }
      }
    })();
    return closing;
  };
}

export interface Stoppable {
  close(): Promise<void>;
}

/**
 * Closes `target` on SIGINT/SIGTERM once; a second signal exits at once. Pass the promise of a
 * service still starting: the handlers are in place from the first moment, and a signal that comes
 * while it starts closes it as soon as it has started (a service whose workers already took jobs
 * must still shut down gracefully). A start that fails exits with 1.
 */
export function closeOnSignals(target: Stoppable | Promise<Stoppable>, logger: Logger): void {
  const started = Promise.resolve(target);
  started.catch((err: unknown) => {
    logger.fatal({ err: errorMessage(err) }, 'start failed');
    process.exit(1);
  });
  let signalled = false;
  const handler = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'shutting down');
    started
      .then((service) => service.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err: errorMessage(err) }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(
  attempt: number,
  baseMs = 200,
  maxMs = 10_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
