import { PulseError } from '@pulse/common';
import type { Command } from 'commander';
import { writeBenchFigures } from '../bench/bench-file.js';
import { benchE2E } from '../bench/e2e-throughput.js';
import { benchIngestRatio } from '../bench/ingest-ratio.js';
import { benchRecs } from '../bench/recs-figures.js';
import { benchSegments } from '../bench/segments-figures.js';
import { benchTrigger } from '../bench/trigger-bench.js';

/** Parts `--only` can pick; without it every part runs. */
const BENCH_PARTS = ['ingest', 'e2e', 'segments', 'trigger', 'recs'] as const;

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
        const figures = {
          ...(want('ingest') ? await benchIngestRatio(process.env, Number(o.ingestEvents)) : {}),
          ...(want('e2e')
            ? await benchE2E(process.env, {
                events: Number(o.events),
                batchSize: Number(o.batch),
                concurrency: Number(o.concurrency),
              })
            : {}),
          ...(want('segments') ? await benchSegments(process.env) : {}),
          ...(want('trigger') ? await benchTrigger(process.env) : {}),
          ...(want('recs') ? await benchRecs(process.env) : {}),
        };
        const all = writeBenchFigures(o.out, figures);
        process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      },
    );
}
