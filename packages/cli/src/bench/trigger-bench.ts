import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTopics, topicCatalogue, topicNames } from '@pulse/kafka';
import { deleteRedisPrefix, startWebhookReceiver } from '@pulse/trigger';
import { Queue } from 'bullmq';
import { benchRun, recordsBehind } from './bench-env.js';
import { lastLine, spawnNode, spawnService, stop, waitUntilOk } from './child-service.js';
import { readLoopLag } from './service-figures.js';
import {
  bareAddBulkRate,
  enqueueEvents,
  produceEvents,
  redisConnection,
  triggerEnqueueRate,
} from './trigger-enqueue.js';
import { markedLatencies, percentile, sendMarkedOrders } from './trigger-latency.js';
import { BENCH_SECRET, triggerEnv, writeBenchCampaigns } from './trigger-setup.js';
import { triggerStages } from './trigger-stages.js';

export interface TriggerBenchOptions {
  /** Background events per second through collector, Kafka, ingest and trigger. */
  rate: number;
  /** Seconds of marked orders under that load. */
  seconds: number;
  /** Marked orders per second. */
  marksPerS: number;
  /** Occasion jobs for the enqueue ratio. */
  enqueueJobs: number;
}

const DEFAULTS: TriggerBenchOptions = { rate: 5000, seconds: 20, marksPerS: 25, enqueueJobs: 20_000 };
const WARM_UP_S = 5;

/** Waits until the occasion queue has nothing waiting or running: the enqueue part is digested. */
async function drained(queue: Queue, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'prioritized');
    if ((c['waiting'] ?? 0) + (c['active'] ?? 0) + (c['prioritized'] ?? 0) === 0) return;
    if (Date.now() > deadline)
      throw new Error(`trigger bench: occasion queue not drained: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The trigger's figures, laid out as in production: collector, ingest and
 * trigger each in their own process on real Kafka and Redis, a paced load
 * generator in another, the signed-webhook receiver in this one.
 * 1. Enqueue ratio: the same occasion jobs added by a bare addBulk loop,
 *    then produced as events and turned into jobs by the starting trigger.
 * 2. Latency: marked orders over 100 among `rate` background events per
 *    second; collector receive time to verified webhook, p50 and p99.
 */
export async function benchTrigger(
  base: Record<string, string | undefined>,
  options: Partial<TriggerBenchOptions> = {},
) {
  const o = { ...DEFAULTS, ...options };
  const run = benchRun('trigger', base);
  const redisUrl = base['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const connection = redisConnection(redisUrl);
  const queuePrefix = run.prefix;
  const triggerChdb = mkdtempSync(join(tmpdir(), 'pulse-bench-trigger-chdb-'));
  const receiver = await startWebhookReceiver({ secret: BENCH_SECRET });
  const campaignsDir = writeBenchCampaigns(receiver.url);
  const occasions = new Queue('trigger-occasions', { connection, prefix: queuePrefix });
  const children: ChildProcess[] = [];
  try {
    await ensureTopics(run.kafka, topicCatalogue(run.prefix));
    const events = enqueueEvents(run.id, o.enqueueJobs);
    const bare = await bareAddBulkRate(connection, `${queuePrefix}-bare`, events);
    await produceEvents(run.kafka, topicNames(run.prefix).events, events);

    // Polling starts before the trigger does, so its first job is seen.
    const enqueue = triggerEnqueueRate(occasions, o.enqueueJobs, 120_000);
    const triggerService = await spawnService(
      'trigger',
      triggerEnv({ runEnv: run.env, prefix: run.prefix, queuePrefix, campaignsDir, chdbPath: triggerChdb }),
    );
    children.push(triggerService.child);
    const trigger = await enqueue;
    // Collector and ingest start after the enqueue part, so it measures the trigger alone against the bare loop.
    const collector = await spawnService('collector', run.env);
    const ingest = await spawnService('ingest', run.env);
    children.push(collector.child, ingest.child);
    const collectorUrl = collector.url;
    for (const s of [triggerService, collector, ingest]) await waitUntilOk(`${s.url}/readyz`, 60_000);
    await drained(occasions, 120_000);

    const loadSeconds = WARM_UP_S + o.seconds + 2;
    const generator = spawnNode(
      'packages/cli/src/bench/load-generator.ts',
      [collectorUrl, 'bench-key', String(o.rate * loadSeconds), '100', '16', run.id, String(o.rate)],
      {},
    );
    children.push(generator);
    const generated = lastLine(generator);
    await new Promise((r) => setTimeout(r, WARM_UP_S * 1000));
    // Starts the window of each service's event-loop lag: what the marked orders met on the way.
    const services = [collector, ingest, triggerService].map((s) => ({ name: s.name, url: s.url }));
    await readLoopLag(services);
    const acknowledged = await sendMarkedOrders({
      collectorUrl,
      writeKey: 'bench-key',
      runId: run.id,
      count: o.seconds * o.marksPerS,
      everyMs: 1000 / o.marksPerS,
    });
    const gen = JSON.parse(await generated) as { accepted: number; seconds: number };
    // Records each group still had to read when the load stopped: which consumer fell behind.
    const lagOf = (group: string) => recordsBehind(run.kafka, group, topicNames(run.prefix).events);
    const endLag = { trigger: await lagOf(`${run.prefix}-trigger`), ingest: await lagOf(run.groupId) };
    const { latencies, missing } = await markedLatencies(receiver, acknowledged, 30_000);
    const loopLag = await readLoopLag(services);
    if (missing > 0 || receiver.rejected > 0 || latencies.length === 0) {
      throw new Error(
        `trigger bench: of ${acknowledged.size} marked orders ${missing} got no webhook, ${receiver.rejected} signatures rejected`,
      );
    }
    const stages = await triggerStages(occasions, receiver, acknowledged);
    return {
      trigger_p50_ms: Math.round(percentile(latencies, 50)),
      trigger_p99_ms: Math.round(percentile(latencies, 99)),
      trigger_marked_orders: latencies.length,
      trigger_stages_ms: stages,
      // A stage's slow tail beside the services' own stalls tells a busy machine from a slow service.
      trigger_loop_lag_ms: loopLag,
      trigger_background_events_per_s: Math.round(gen.accepted / gen.seconds),
      trigger_end_lag_records: endLag,
      trigger_enqueue_jobs_per_s: Math.round(trigger.jobsPerS),
      trigger_bare_addbulk_jobs_per_s: Math.round(bare),
      trigger_enqueue_ratio: Number((trigger.jobsPerS / bare).toFixed(3)),
    };
  } finally {
    for (const child of children) await stop(child);
    await occasions.close();
    await receiver.close();
    await deleteRedisPrefix(redisUrl, queuePrefix);
    await deleteRedisPrefix(redisUrl, `${queuePrefix}-bare`);
    await run.cleanup([`${run.prefix}-trigger`, `${run.prefix}-trigger-segments`]);
    rmSync(triggerChdb, { recursive: true, force: true });
    rmSync(campaignsDir, { recursive: true, force: true });
  }
}
