import { createClickHouse, queryRows } from '@pulse/clickhouse';
import { createLogger } from '@pulse/common';
import { ingestConfigFromEnv, start as startIngest } from '@pulse/ingest';
import { topicNames, waitForConsumer } from '@pulse/kafka';
import { benchRun } from './bench-env.js';
import { freePort, lastLine, spawnNode, stop, waitUntilOk } from './child-service.js';

export interface E2EOptions {
  events: number;
  batchSize: number;
  concurrency: number;
}

interface GeneratorResult {
  sent: number;
  accepted: number;
  seconds: number;
  statuses: Record<string, number>;
}

/**
 * Sustained events per second from HTTP clients through collector, Kafka
 * and ingest into the embedded ClickHouse, laid out as in production: the
 * collector in its own process, ingest in this one (it owns the chdb data
 * directory), the clients in a third. The clock stops when the last
 * acknowledged event is committed, and the rows are counted.
 */
export async function benchE2E(base: Record<string, string | undefined>, o: E2EOptions) {
  const run = benchRun('e2e', base);
  const clickhouse = createClickHouse({ database: run.database, chdbPath: run.chdbPath });
  const ingest = await startIngest(ingestConfigFromEnv(run.env), {
    clickhouse,
    opsServer: false,
    logger: createLogger({ service: 'ingest', level: 'error' }),
  });
  const port = await freePort();
  const collector = spawnNode('services/collector/src/main.ts', [], {
    ...run.env,
    COLLECTOR_PORT: String(port),
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilOk(`${url}/readyz`, 60_000);
    await ingest.consumer.whenJoined();
    const started = performance.now();
    const generator = spawnNode(
      'packages/cli/src/bench/load-generator.ts',
      [url, 'bench-key', String(o.events), String(o.batchSize), String(o.concurrency), run.id],
      {},
    );
    const gen = JSON.parse(await lastLine(generator)) as GeneratorResult;
    await waitForConsumer(run.kafka, run.groupId, topicNames(run.prefix).events, { timeoutMs: 300_000 });
    const seconds = (performance.now() - started) / 1000;
    const [row] = await queryRows<{ n: string }>(
      clickhouse,
      `SELECT count() AS n FROM ${run.database}.events FINAL`,
    );
    const stored = Number(row?.n ?? 0);
    if (stored !== gen.accepted) {
      throw new Error(`e2e bench: ${gen.accepted} events acknowledged but ${stored} stored`);
    }
    return {
      e2e_events_per_s: Math.round(stored / seconds),
      e2e_events: stored,
      e2e_collector_accept_events_per_s: Math.round(gen.accepted / gen.seconds),
      e2e_http_statuses: gen.statuses,
    };
  } finally {
    await stop(collector);
    await ingest.close();
    await clickhouse.close();
    await run.cleanup();
  }
}
