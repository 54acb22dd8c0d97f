import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { globEscape, scanKeys } from './redis-scan.js';

/**
 * Whether a job id names the person: occasion and delivery jobs are `campaign.person.occasion`
 * (occasionJobId, parts URI-encoded; campaign ids hold no '.').
 */
export function jobIdNames(jobId: string, person: string): boolean {
  const dot = jobId.indexOf('.');
  return dot > 0 && jobId.startsWith(`${encodeURIComponent(person)}.`, dot + 1);
}

/**
 * Removes every job of the person from the queues, whatever its state (waiting, delayed, completed
 * and kept for replays, failed), with its logs. A job running now is locked and cannot be removed:
 * it is counted in `locked`, and the caller tries again once it has finished.
 */
export async function removeJobsOf(
  redis: Redis,
  queues: readonly Queue[],
  person: string,
): Promise<{ removed: number; locked: number }> {
  let removed = 0;
  let locked = 0;
  for (const queue of queues) {
    const base = `${queue.qualifiedName}:`;
    const pattern = `${globEscape(base)}*.${globEscape(encodeURIComponent(person))}.*`;
    for (const key of await scanKeys(redis, pattern)) {
      const id = key.slice(base.length);
      // `<id>:logs`, `<id>:lock` and the like belong to the job and go with it.
      if (id.includes(':') || !jobIdNames(id, person)) continue;
      const job = await Job.fromId<{ person?: unknown }>(queue, id);
      if (job?.data.person !== person) continue;
      try {
        await job.remove();
        removed += 1;
      } catch {
        locked += 1;
      }
    }
  }
  return { removed, locked };
}

/** Drops the entries of the queues' event streams (BullMQ's capped log of job ids) that name the person's jobs. */
export async function scrubQueueEvents(
  redis: Redis,
  queues: readonly Queue[],
  person: string,
): Promise<number> {
  let dropped = 0;
  for (const queue of queues) {
    const stream = queue.toKey('events');
    let start = '-';
    for (;;) {
      const entries = await redis.xrange(stream, start, '+', 'COUNT', 1000);
      const ids = entries
        .filter(([, fields]) => {
          for (let i = 0; i + 1 < fields.length; i += 2) {
            if (fields[i] === 'jobId' && jobIdNames(fields[i + 1]!, person)) return true;
          }
          return false;
        })
        .map(([id]) => id);
      if (ids.length > 0) dropped += await redis.xdel(stream, ...ids);
      if (entries.length < 1000) break;
      start = `(${entries[entries.length - 1]![0]}`;
    }
  }
  return dropped;
}
