import { dirname, join } from 'node:path';
import { PulseError } from '@pulse/common';
import type { Command } from 'commander';
import { type BenchFigures, readBenchFigures, writeBenchFigures } from '../bench/bench-file.js';
import { benchE2E } from '../bench/e2e-throughput.js';
import { benchIngestRatio } from '../bench/ingest-ratio.js';
import { benchSeconds, pipelineCapacity } from '../bench/load-settings.js';
import { benchOverload } from '../bench/overload.js';
import { benchRecs } from '../bench/recs-figures.js';
import { benchSegments } from '../bench/segments-figures.js';
import { benchSoak } from '../bench/soak.js';
import { benchTrigger } from '../bench/trigger-bench.js';

/** Parts `--only` can pick; without it every part runs (the soak alone: SOAK_WARM_UP_S, then PULSE_BENCH_SOAK_SECONDS, 600 s, measured). */
const BENCH_PARTS = ['ingest', 'e2e', 'segments', 'trigger', 'recs', 'soak', 'overload'] as const;

function onlyParts(list: string | undefined): (part: (typeof BENCH_PARTS)[number]) => boolean {
  if (list === undefined) return () => true;
  const parts = list.split(',').map((p) => p.trim());
  const unknown = parts.filter((p) => !(BENCH_PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    throw new PulseError(
      'PULSE_BENCH_USAGE',
      `--only: unknown part ${unknown.join(', ')}; parts are ${BENCH_PARTS.join(', ')}`,
    );
  }
  return (part) => parts.includes(part);
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure throughput and ratios against baselines of the same run; writes .pulse/bench.json')
    .option('--events <n>', 'events for the end-to-end run', '400000')
    .option('--ingest-events <n>', 'events for the ingest ratio', '200000')
    .option('--batch <n>', 'events per HTTP batch', '100')
    .option('--concurrency <n>', 'HTTP requests in flight', '16')
    .option('--out <file>', 'figures file', '.pulse/bench.json')
    .option('--only <parts>', `run only these parts, comma-separated: ${BENCH_PARTS.join(', ')}`)
    .action(
      async (o: {
        events: string;
        ingestEvents: string;
        batch: string;
        concurrency: string;
        out: string;
        only?: string;
      }) => {
        const want = onlyParts(o.only);
        // Read before anything runs: a bad value should not cost the parts before it.
        const soakSeconds = benchSeconds(process.env, 'PULSE_BENCH_SOAK_SECONDS', 600, 15);
        const overloadSeconds = benchSeconds(process.env, 'PULSE_BENCH_OVERLOAD_SECONDS', 60, 1);
        const figures: BenchFigures = {};
        if (want('ingest')) {
          Object.assign(figures, await benchIngestRatio(process.env, Number(o.ingestEvents)));
        }
        if (want('e2e')) {
          Object.assign(
            figures,
            await benchE2E(process.env, {
              events: Number(o.events),
              batchSize: Number(o.batch),
              concurrency: Number(o.concurrency),
            }),
          );
        }
        if (want('segments')) Object.assign(figures, await benchSegments(process.env));
        if (want('trigger')) Object.assign(figures, await benchTrigger(process.env));
        if (want('recs')) Object.assign(figures, await benchRecs(process.env));
        // Soak and overload are paced against the pipeline's capacity: this run's e2e figure, else the last one.
        const capacity = pipelineCapacity(figures, readBenchFigures(o.out));
        if (want('soak')) {
          Object.assign(
            figures,
            await benchSoak(process.env, {
              capacity,
              seconds: soakSeconds,
              seriesFile: join(dirname(o.out), 'soak-rss.json'),
            }),
          );
        }
        if (want('overload')) {
          Object.assign(figures, await benchOverload(process.env, { capacity, seconds: overloadSeconds }));
        }
        const all = writeBenchFigures(o.out, figures);
        process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      },
    );
}
