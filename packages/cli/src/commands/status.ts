import type { Command } from 'commander';
import { renderStatus } from '../status/render.js';
import { measureStatus } from '../status/report.js';
import { statusTargets } from '../status/targets.js';

interface StatusOptions {
  collector?: string;
  ingest?: string;
  trigger?: string;
  modeling?: string;
  service?: string[];
  seconds: string;
  watch?: boolean;
  json?: boolean;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'the running stack at a glance, from the services’ /metrics and /readyz: throughput, lag, latency percentiles, queues',
    )
    .option('--collector <url>', 'collector base URL (PULSE_COLLECTOR_URL; default http://127.0.0.1:8080)')
    .option('--ingest <url>', 'ingest metrics URL (PULSE_INGEST_URL; default http://127.0.0.1:9102)')
    .option('--modeling <url>', 'modeling metrics URL (PULSE_MODELING_URL; default http://127.0.0.1:9103)')
    .option('--trigger <url>', 'trigger metrics URL (PULSE_TRIGGER_URL; default http://127.0.0.1:9104)')
    .option(
      '--service <name=url...>',
      'more services to read, e.g. modeling=http://127.0.0.1:9103 (PULSE_STATUS_SERVICES)',
    )
    .option('--seconds <n>', 'window over which rates and percentiles are measured', '2')
    .option('--watch', 'refresh until interrupted')
    .option('--json', 'print the figures as JSON')
    .action(async (opts: StatusOptions) => {
      const targets = statusTargets(opts, process.env);
      const seconds = Number(opts.seconds);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
        throw new Error(`--seconds must be a number of seconds between 0 and 600, got ${opts.seconds}`);
      }
      for (;;) {
        const report = await measureStatus(targets, seconds);
        const text = opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report);
        // In watch mode the screen is redrawn in place.
        process.stdout.write(opts.watch && process.stdout.isTTY ? `\x1b[2J\x1b[H${text}` : text);
        const healthy = report.services.every((s) => s.up && s.ready !== false);
        process.exitCode = healthy ? 0 : 1;
        if (!opts.watch) return;
      }
    });
}
