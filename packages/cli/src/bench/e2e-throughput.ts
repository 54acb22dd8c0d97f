import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { queryRows } from '@pulse/clickhouse';
import { topicNames, waitForConsumer } from '@pulse/kafka';
import { startPipeline } from '../pipeline.js';
import { benchRun } from './bench-env.js';

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
 * Sustained events per second from HTTP clients (a second process) through
 * collector, Kafka and ingest into the embedded ClickHouse: the clock stops
 * when the last acknowledged event is committed, and the rows are counted.
 */
export async function benchE2E(base: Record<string, string | undefined>, o: E2EOptions) {
  const run = benchRun('e2e', base);
  const pipeline = await startPipeline({ env: run.env, services: ['collector', 'ingest'] });
  try {
    const started = performance.now();
    const gen = await runGenerator([pipeline.collector!.url, 'bench-key', String(o.events), String(o.batchSize), String(o.concurrency), run.id]);
    await waitForConsumer(run.kafka, run.groupId, topicNames(run.prefix).events, { timeoutMs: 300_000 });
    const seconds = (performance.now() - started) / 1000;
    const [row] = await queryRows<{ n: string }>(pipeline.clickhouse!, `SELECT count() AS n FROM ${run.database}.events FINAL`);
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
    await pipeline.close();
    await run.cleanup();
  }
}

function runGenerator(args: string[]): Promise<GeneratorResult> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'load-generator.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as GeneratorResult);
      } catch (err) {
        reject(err);
      }
    });
  });
}
