import { Gauge, type Registry } from 'prom-client';

/** The job states an SRE watches, as BullMQ's Queue.getJobCounts names them. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Counts of jobs by state, per queue name; BullMQ: `queue.getJobCounts(...QUEUE_STATES)`. */
export type QueueDepths = () => Promise<Record<string, Partial<Record<QueueState, number>>>>;

/**
 * For the trigger service: `pulse_queue_jobs{queue,state}`, read from the
 * queues (Redis) when scraped, so the value is never stale. A failed read
 * leaves the series out of that scrape rather than reporting zeros.
 */
export function registerQueueDepths(registry: Registry, depths: QueueDepths): void {
  new Gauge({
    name: 'pulse_queue_jobs',
    help: 'Jobs in a queue, by state (waiting, active, delayed, failed)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await depths().catch(() => undefined);
      if (!counts) return;
      for (const [queue, byState] of Object.entries(counts)) {
        for (const state of QUEUE_STATES) this.set({ queue, state }, byState[state] ?? 0);
      }
    },
  });
}
