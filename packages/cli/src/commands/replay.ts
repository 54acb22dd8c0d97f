import {
  mapOnlineRetail,
  mapOttoSession,
  readOnlineRetail,
  readOttoSessions,
  type SegmentCall,
} from '@pulse/datasets';
import type { Command } from 'commander';
import { Progress } from '../progress.js';
import { replayCalls } from '../replay/replay-calls.js';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('replay a shared data set through a running collector with the Segment client')
    .argument('<dataset>', 'retail (Online Retail) or otto (OTTO sessions)')
    .option('--url <url>', 'collector URL', 'http://127.0.0.1:8080')
    .option('--write-key <key>', 'write key', 'pulse-demo-key')
    .option('--speed <factor>', 'time compression; 0 = as fast as possible', '0')
    .option('--file <path>', 'data file (otto: a JSONL file of sessions)')
    .action(
      async (dataset: string, opts: { url: string; writeKey: string; speed: string; file?: string }) => {
        const dataDir = process.env['PULSE_DATA_DIR'];
        const calls = await collect(dataset, {
          ...(dataDir ? { dataDir } : {}),
          ...(opts.file ? { file: opts.file } : {}),
        });
        const progress = new Progress(`replay ${dataset}`, calls.length);
        const result = await replayCalls(calls, {
          url: opts.url,
          writeKey: opts.writeKey,
          speed: Number(opts.speed),
          onProgress: (n) => progress.update(n),
        });
        progress.update(result.sent);
        progress.done();
        process.stdout.write(
          `${JSON.stringify({ sent: result.sent, not_delivered: Object.fromEntries(result.failed), seconds: result.seconds })}\n`,
        );
      },
    );
}

async function collect(dataset: string, opts: { dataDir?: string; file?: string }): Promise<SegmentCall[]> {
  const calls: SegmentCall[] = [];
  if (dataset === 'retail') {
    for await (const item of mapOnlineRetail(readOnlineRetail(opts)))
      if (item.kind === 'call') calls.push(item.call);
  } else if (dataset === 'otto') {
    for await (const session of readOttoSessions(opts)) calls.push(...mapOttoSession(session));
    calls.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  } else {
    throw new Error(`unknown dataset "${dataset}"; choose retail or otto`);
  }
  return calls;
}
