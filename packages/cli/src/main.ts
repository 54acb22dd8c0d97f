import { PulseError } from '@pulse/common';
import { Command } from 'commander';
import { registerBench } from './commands/bench.js';
import { registerDemo } from './commands/demo.js';
import { registerEvalRecs } from './commands/eval-recs.js';
import { registerEvalSegments } from './commands/eval-segments.js';
import { registerKeys } from './commands/keys.js';
import { registerReplay } from './commands/replay.js';
import { registerReport } from './commands/report.js';
import { registerStart } from './commands/start.js';
import { registerStatus } from './commands/status.js';
import { registerTopics } from './commands/topics.js';

const program = new Command('pulse')
  .description('Pulse: real-time marketing data pipeline')
  .showHelpAfterError();
registerStart(program);
registerTopics(program);
registerReplay(program);
registerDemo(program);
registerBench(program);
registerReport(program);
registerEvalRecs(program);
registerEvalSegments(program);
registerStatus(program);
registerKeys(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  // Expected failures (bad configuration, missing data, unreachable Kafka) get their message, not a stack.
  if (err instanceof PulseError) process.stderr.write(`pulse: ${err.message} [${err.code}]\n`);
  else process.stderr.write(`pulse: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
