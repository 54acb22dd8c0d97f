import { createClickHouse, migrate } from '@pulse/clickhouse';
import { ingestConfigFromEnv } from '@pulse/ingest';
import type { Command } from 'commander';
import { campaignReport, formatCampaignReport } from '../report/campaign-report.js';

export function registerReport(program: Command): void {
  const report = program.command('report').description('reports over what Pulse stored');
  report
    .command('campaigns')
    .description('per campaign: sends, conversions, treated vs holdout uplift with its 95% CI, A/B variants')
    .option(
      '--window-hours <hours>',
      'an Order Completed within this long after a decision counts as a conversion',
      '72',
    )
    .option('--json', 'print JSON instead of text')
    .action(async (opts: { windowHours: string; json?: boolean }) => {
      const windowHours = Number(opts.windowHours);
      if (!Number.isFinite(windowHours) || windowHours <= 0)
        throw new Error('--window-hours must be a positive number');
      // The same ClickHouse variables as ingest: the report joins the events table with trigger_decisions.
      const { clickhouse: config } = ingestConfigFromEnv(process.env);
      const client = createClickHouse(config);
      try {
        // Idempotent: on a store no service has written yet this creates the tables, and the report says there is nothing.
        await migrate(client, config.database);
        const reports = await campaignReport(client, config.database, windowHours);
        process.stdout.write(
          opts.json
            ? `${JSON.stringify({ windowHours, campaigns: reports }, null, 2)}\n`
            : formatCampaignReport(reports, windowHours),
        );
      } finally {
        await client.close();
      }
    });
}
