import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatSegmentsEvalLine } from '../eval/segments/eval-line.js';
import { formatSegmentsReport } from '../eval/segments/print-report.js';
import { runSegmentsEval } from '../eval/segments/run-eval.js';
import { evalCommand } from './eval.js';

export function registerEvalSegments(program: Command): void {
  evalCommand(program)
    .command('segments')
    .description(
      'RFM segments, behavioural clusters (k-means + DBSCAN), rule segments and spend / buy-again predictions on Online Retail, against naive baselines; last line is JSON',
    )
    .option(
      '--save-model <file>',
      'write the prediction model trained on the latest quarter, for MODELING_PREDICTION_MODEL_FILE',
    )
    .action(async (opts: { saveModel?: string }) => {
      const dataDir = process.env['PULSE_DATA_DIR'];
      const report = await runSegmentsEval(dataDir ? { dataDir } : {});
      if (opts.saveModel)
        writeFileSync(opts.saveModel, `${JSON.stringify(report.predictionModel, null, 2)}\n`);
      process.stdout.write(`${formatSegmentsReport(report)}\n`);
      process.stdout.write(`${formatSegmentsEvalLine(report.line)}\n`);
    });
}
