import { type ClickHouseClient, deleteRowsOf, recordRegulationPart } from '@pulse/clickhouse';
import { type Logger, PulseError, sleep } from '@pulse/common';
import { deletes, type RegulationRecord } from '@pulse/events';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SegmentStore } from '../audience/segment-store.js';
import type { CampaignRegistry } from '../campaigns/registry.js';
import type { DecisionSink } from '../execution/decisions.js';
import type { FrequencyCaps } from '../execution/frequency-caps.js';
import { countedEvents } from '../execution/occasions.js';
import { ORDER_EVENT, type PersonStore } from '../execution/person-store.js';
import { removeJobsOf, scrubQueueEvents } from './erase-jobs.js';

export interface TriggerRegulationDeps {
  redis: Redis;
  /** The occasion queue and every delivery lane's queue, as they are now. */
  queues(): Queue[];
  people: PersonStore;
  segments: SegmentStore;
  caps: FrequencyCaps;
  campaigns: CampaignRegistry;
  decisions: DecisionSink;
  clickhouse: ClickHouseClient;
  database: string;
  logger: Logger;
  /** Rounds of waiting for the person's running jobs to finish before giving up (and retrying later). */
  rounds?: number;
  pauseMs?: number;
  /** Pause before the second pass (default 1000 ms). */
  settleMs?: number;
}

export class JobsStillRunningError extends PulseError {
  constructor(count: number) {
    super('PULSE_JOBS_RUNNING', `${count} jobs of the subject are still running; the erasure is retried`, {
      retriable: true,
    });
  }
}

/**
 * The trigger service's part of a regulation. Any regulation removes the person's jobs, so nothing
 * queued for them (an abandoned-cart wait, a delivery in quiet hours) is acted on; a job running at
 * that moment is waited for, then removed. A deletion also erases what Redis keeps of them (traits,
 * counted events, segment membership, cap slots), their decisions not yet in ClickHouse, BullMQ's
 * log entries of their jobs, and their rows of trigger_decisions. The input filters (RegulationLog)
 * keep their events and segment changes from coming back; a batch that was being handled when the
 * regulation arrived (here or in another trigger process) is caught by a second pass `settleMs`
 * later. Every step is idempotent.
 */
export function triggerRegulationPart(
  deps: TriggerRegulationDeps,
): (record: RegulationRecord) => Promise<void> {
  const erase = async (person: string, deletion: boolean, detail: Record<string, number>) => {
    const add = (name: string, n: number) => {
      detail[name] = (detail[name] ?? 0) + n;
    };
    for (let round = 0; ; round++) {
      const { removed, locked } = await removeJobsOf(deps.redis, deps.queues(), person);
      add('jobs', removed);
      if (locked === 0) break;
      if (round + 1 >= (deps.rounds ?? 20)) throw new JobsStillRunningError(locked);
      await sleep(deps.pauseMs ?? 250);
    }
    if (!deletion) return;
    const events = new Set([ORDER_EVENT, ...countedEvents(deps.campaigns.list())]);
    add('redisKeys', await deps.people.erase(person, events));
    await deps.segments.forget(person);
    add('capKeys', await deps.caps.forget(person));
    add('queueEvents', await scrubQueueEvents(deps.redis, deps.queues(), person));
    add('pendingDecisions', await deps.decisions.forget(person));
    // Decisions already on their way to ClickHouse land before the rows are deleted.
    await deps.decisions.flush();
    add(
      'trigger_decisions',
      await deleteRowsOf(deps.clickhouse, `${deps.database}.trigger_decisions`, 'person', [person]),
    );
  };
  return async (record) => {
    const detail: Record<string, number> = {};
    const deletion = deletes(record.regulationType);
    await erase(record.subjectId, deletion, detail);
    await sleep(deps.settleMs ?? 1000);
    await erase(record.subjectId, deletion, detail);
    await recordRegulationPart(deps.clickhouse, deps.database, {
      regulationId: record.regulationId,
      regulationType: record.regulationType,
      subjectType: record.subjectType,
      subjectId: record.subjectId,
      linkedTo: record.linkedTo,
      requestedAt: record.requestedAt,
      part: 'trigger',
      detail,
    });
    deps.logger.info({ regulationId: record.regulationId, ...detail }, 'regulation applied to the trigger');
  };
}
