import type { Command } from 'commander';
import { writeBenchFigures } from '../bench/bench-file.js';
import { benchE2E } from '../bench/e2e-throughput.js';
import { benchIngestRatio } from '../bench/ingest-ratio.js';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure throughput and ratios against baselines of the same run; writes .pulse/bench.json')
    .option('--events <n>', 'events for the end-to-end run', '400000')
    .option('--ingest-events <n>', 'events for the ingest ratio', '200000')
    .option('--batch <n>', 'events per HTTP batch', '100')
    .option('--concurrency <n>', 'HTTP requests in flight', '16')
    .option('--out <file>', 'figures file', '.pulse/bench.json')
    .action(
      async (o: {
        events: string;
        ingestEvents: string;
        batch: string;
        concurrency: string;
        out: string;
      }) => {
        const figures = {
          ...(await benchIngestRatio(process.env, Number(o.ingestEvents))),
          ...(await benchE2E(process.env, {
            events: Number(o.events),
            batchSize: Number(o.batch),
            concurrency: Number(o.concurrency),
          })),
        };
        const all = writeBenchFigures(o.out, figures);
        process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      },
    );
}
