import { PulseError } from '@pulse/common';
import { formatPrequentialLine, type ModelSettings } from '@pulse/modeling';
import type { Command } from 'commander';
import { runEvalRecs } from '../eval/recs/run-eval.js';
import { evalCommand } from './eval.js';

export function registerEvalRecs(program: Command): void {
  evalCommand(program)
    .command('recs')
    .description(
      'prequential evaluation of a recommendation model: replays the events in time order and, before learning each, checks whether the top k held the session’s next item; last line is JSON',
    )
    .option('--sessions <file>', 'OTTO sessions, JSONL ({"session":..,"events":[{"aid","ts","type"}]})')
    .option('--ratings <file>', 'MovieLens ratings.csv (each user’s ratings in time order form one session)')
    .option(
      '--retail',
      'Online Retail orders from the data folder (PULSE_DATA_DIR), one session per customer',
    )
    .option('--catalog <file>', 'MovieLens movies.csv for content/hybrid (default: beside ratings.csv)')
    .option('--model <name>', 'item-cosine, item-llr, svd, content, hybrid or popularity', 'item-cosine')
    .option('--k <n>', 'items asked from the model per event', '20')
    .option('--config <json>', 'model settings, e.g. \'{"knn":{"neighbours":100}}\' (see recs/config.ts)')
    .option('--limit <n>', 'stop after the first n events in time (tuning on a prefix)')
    .option('--chunk <n>', 'events sorted in memory at once before spilling to disk', '1000000')
    .action(
      async (o: {
        sessions?: string;
        ratings?: string;
        retail?: boolean;
        catalog?: string;
        model: string;
        k: string;
        config?: string;
        limit?: string;
        chunk: string;
      }) => {
        let bad = 0;
        const dataDir = process.env['PULSE_DATA_DIR'];
        const report = await runEvalRecs({
          ...(o.sessions !== undefined ? { sessions: o.sessions } : {}),
          ...(o.ratings !== undefined ? { ratings: o.ratings } : {}),
          ...(o.retail ? { retail: true } : {}),
          ...(o.catalog !== undefined ? { catalog: o.catalog } : {}),
          ...(dataDir ? { dataDir } : {}),
          model: o.model,
          k: positiveInteger(o.k, '--k'),
          settings: parseSettings(o.config),
          ...(o.limit !== undefined ? { limit: positiveInteger(o.limit, '--limit') } : {}),
          chunkRecords: positiveInteger(o.chunk, '--chunk'),
          onBadLine: (b) => {
            bad += 1;
            if (bad <= 5)
              process.stderr.write(
                `pulse eval recs: skipped ${b.file}:${b.line}: ${b.reason}: ${b.excerpt}\n`,
              );
          },
          onProgress: (n) => process.stderr.write(`pulse eval recs: ${n} events\n`),
        });
        const r = report.result;
        if (report.badLines > 0) {
          process.stderr.write(
            `pulse eval recs: ${report.badLines} unreadable lines skipped (first 5 above)\n`,
          );
        }
        const ratio = r['popularity_hr@20'] > 0 ? (r['hr@20'] / r['popularity_hr@20']).toFixed(2) : 'n/a';
        process.stdout.write(
          `${report.model} on ${report.source}: hr@20 ${r['hr@20']} vs popularity ${r['popularity_hr@20']} (${ratio}x), ` +
            `${r.predictions} predictions over ${r.events} events in ${r.seconds} s\n`,
        );
        process.stdout.write(`${formatPrequentialLine(r)}\n`);
      },
    );
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new PulseError('PULSE_EVAL_USAGE', `${flag} must be a positive integer, got ${text}`);
  return n;
}

function parseSettings(text: string | undefined): ModelSettings {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as ModelSettings;
  } catch (error) {
    throw new PulseError('PULSE_EVAL_USAGE', `--config must be a JSON object: ${(error as Error).message}`);
  }
}
