import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClickHouseClient, createClickHouse } from '@pulse/clickhouse';
import { topicNames, waitForConsumer } from '@pulse/kafka';
import { deleteRedisPrefix } from '@pulse/trigger';
import { type BenchRun, benchRun } from './bench-env.js';
import { type BenchService, repoPath, spawnService, stop, waitUntilOk } from './child-service.js';
import { triggerEnv } from './trigger-setup.js';

/** Every service of a production installation, each in its own process, on a run of its own. */
export interface LoadPipeline {
  run: BenchRun;
  collectorUrl: string;
  services: BenchService[];
  /** The events topic's consumer groups, by service. */
  groups: { ingest: string; modeling: string; trigger: string };
  /**
   * Checks every service is still running, waits until ingest committed every record of the events
   * topic, then stops them all.
   */
  drainAndStop(timeoutMs: number): Promise<void>;
}

/**
 * Runs `body` against collector, ingest, modeling (its own group, data
 * directory and a free API port) and trigger (the example campaigns, its own
 * BullMQ prefix) started as separate processes and ready; afterwards stops
 * them and removes topics, groups, Redis keys and data directories.
 */
export async function withLoadPipeline<T>(
  name: string,
  base: Record<string, string | undefined>,
  body: (pipeline: LoadPipeline) => Promise<T>,
): Promise<T> {
  const run = benchRun(name, base);
  const redisUrl = base['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const modelingChdb = mkdtempSync(join(tmpdir(), 'pulse-bench-modeling-chdb-'));
  const triggerChdb = mkdtempSync(join(tmpdir(), 'pulse-bench-trigger-chdb-'));
  const groups = {
    ingest: run.groupId,
    modeling: `${run.prefix}-modeling`,
    trigger: `${run.prefix}-trigger`,
  };
  const services: BenchService[] = [];
  const stopAll = async () => {
    for (const s of services) await stop(s.child);
  };
  try {
    services.push(await spawnService('collector', run.env));
    services.push(await spawnService('ingest', run.env));
    services.push(
      await spawnService('modeling', {
        ...run.env,
        CHDB_PATH: modelingChdb,
        MODELING_GROUP_ID: groups.modeling,
        MODELING_API_PORT: '0',
        MODELING_API_HOST: '127.0.0.1',
        MODELING_LOG_LEVEL: 'error',
      }),
    );
    services.push(
      await spawnService(
        'trigger',
        triggerEnv({
          runEnv: run.env,
          prefix: run.prefix,
          queuePrefix: run.prefix,
          campaignsDir: repoPath('services/trigger/campaigns'),
          chdbPath: triggerChdb,
        }),
      ),
    );
    for (const s of services) await waitUntilOk(`${s.url}/readyz`, 120_000);
    return await body({
      run,
      collectorUrl: services[0]!.url,
      services,
      groups,
      async drainAndStop(timeoutMs) {
        // A service that died under load would otherwise show as fewer readings or a slow drain.
        const exited = services.filter((s) => s.child.exitCode !== null || s.child.signalCode !== null);
        if (exited.length > 0) {
          const which = exited.map((s) => `${s.name} (${s.child.exitCode ?? s.child.signalCode})`);
          throw new Error(`${name} bench: ${which.join(', ')} exited under load; its log is above`);
        }
        await waitForConsumer(run.kafka, groups.ingest, topicNames(run.prefix).events, { timeoutMs });
        await stopAll();
      },
    });
  } finally {
    await stopAll();
    await deleteRedisPrefix(redisUrl, run.prefix);
    await run.cleanup([groups.modeling, groups.trigger, `${groups.trigger}-segments`]);
    rmSync(modelingChdb, { recursive: true, force: true });
    rmSync(triggerChdb, { recursive: true, force: true });
  }
}

/** Opens the run's ClickHouse (once ingest, which owned the embedded data directory, stopped). */
export async function queryStored<T>(
  run: BenchRun,
  query: (client: ClickHouseClient, table: string) => Promise<T>,
): Promise<T> {
  const clickhouse = createClickHouse({
    database: run.database,
    chdbPath: run.chdbPath,
    ...(run.env['CLICKHOUSE_URL'] ? { url: run.env['CLICKHOUSE_URL'] } : {}),
  });
  try {
    return await query(clickhouse, `${run.database}.events`);
  } finally {
    await clickhouse.close();
  }
}

/** The machine's 1, 5 and 15 minute load averages: figures from a shared machine are read with them. */
export function loadAverage(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}
