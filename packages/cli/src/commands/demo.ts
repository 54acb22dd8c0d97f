import type { Command } from 'commander';
import { formatSummary } from '../demo/print-summary.js';
import { runRetailDemo } from '../demo/retail-demo.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('replay Online Retail through the whole pipeline on the embedded ClickHouse and summarise')
    .option(
      '--speed <factor>',
      'time compression (event time / wall time); 0 = as fast as possible',
      '2000000',
    )
    .option('--limit <n>', 'replay only the first n calls (0 = all)', '0')
    .option('--summary <file>', 'where to write the JSON summary', '.pulse/demo-summary.json')
    .action(async (opts: { speed: string; limit: string; summary: string }) => {
      const summary = await runRetailDemo({
        env: process.env,
        speed: Number(opts.speed),
        limit: Number(opts.limit),
        summaryPath: opts.summary,
        ...(process.env['PULSE_DATA_DIR'] ? { dataDir: process.env['PULSE_DATA_DIR'] } : {}),
      });
      process.stdout.write(`${formatSummary(summary)}\n`);
      process.stdout.write(`summary written to ${opts.summary}\n`);
      if (summary.sent !== summary.stored + summary.rejected + summary.dead_letters) process.exitCode = 1;
    });
}
